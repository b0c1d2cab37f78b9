import { createHash } from "node:crypto";

/**
 * The names this tool gives platform clusters. A platform's API (radix) has no tags or labels, so
 * the name is what marks a cluster as one run's: `<cluster-name>-gb<nonce><check>`, where nonce is
 * the run's 12-hex-digit job nonce (also its instances' gpu-bench:nonce tag) and check is 4 hex
 * digits of SHA-256 over the base and the nonce. A cluster someone named by hand (`gpu-bench`, or
 * `gpu-bench-test`) never matches; one that merely looks like it matches 1 time in 65 536.
 */

/** Characters the suffix adds to cluster-name: "-gb" + 12 + 4. cluster-name is limited so the whole stays within 63. */
export const CLUSTER_SUFFIX_CHARS = 19;

const checkOf = (base: string, nonce: string) =>
  createHash("sha256").update(`ephemeral-gpu-bench|${base}|${nonce}`).digest("hex").slice(0, 4);

/** A run's nonce (newNonce): 12 lowercase hex digits. */
export const RUN_NONCE = /^[0-9a-f]{12}$/;

/** The name of the cluster the run with `nonce` (12 lowercase hex digits) creates from cluster-name `base`. */
export function runClusterName(base: string, nonce: string): string {
  if (!RUN_NONCE.test(nonce)) throw new Error(`A run nonce is 12 lowercase hex digits, got '${nonce}'.`);
  return `${base}-gb${nonce}${checkOf(base, nonce)}`;
}

/** Whether `name` is one runClusterName made from `base`: the suffix's shape and its check digits. */
export function isRunClusterName(base: string, name: string): boolean {
  const prefix = `${base}-gb`;
  if (!name.startsWith(prefix)) return false;
  const m = /^([0-9a-f]{12})([0-9a-f]{4})$/.exec(name.slice(prefix.length));
  return m !== null && checkOf(base, m[1]!) === m[2];
}
