/**
 * Supported Node.js: 22 and newer (package.json `engines`). The action runs on node24; the AWS
 * SDK drops Node 20 in its releases after the first week of January 2027, and Node 20 itself
 * reached end of life in April 2026.
 */
export const MIN_NODE_MAJOR = 22;

/**
 * Keeps the AWS SDK's nine-line NodeVersionSupportWarning out of the log (it landed inside the
 * first log group) through the SDK's own switch, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED,
 * set before any client exists. On a Node older than {@link MIN_NODE_MAJOR}, `notice` gets one
 * line instead. `version` is process.version ("v20.20.2").
 */
export function quietSdkNodeWarning(env: NodeJS.ProcessEnv, version: string, notice?: (message: string) => void): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? "0");
  if (major < MIN_NODE_MAJOR) {
    notice?.(
      `Node ${version} is older than gpu-bench supports (Node ${MIN_NODE_MAJOR} or newer); it may stop working with the next AWS SDK update.`,
    );
  }
}
