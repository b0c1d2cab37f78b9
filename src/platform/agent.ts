import agentUpSh from "../../remote/platform/agent-up.sh";
import agentDiagnosticsSh from "../../remote/platform/agent-diagnostics.sh";
import agentTemplate from "../../remote/platform/agent-deployment.yaml";
import type { RemoteScript } from "../cloud/remote-script.js";
import { POD_WATCH_FILE } from "../workloads/job-script.js";
import type { PlatformAgent } from "../config/inputs.js";
import { renderManifest } from "../workloads/manifest.js";

/** Where the agent runs in k3s (platform-agent-image): its namespace, Deployment and token Secret. */
export const AGENT_NAMESPACE = "gpu-bench-platform";
export const AGENT_NAME = "platform-agent";
export const AGENT_TOKEN_SECRET = "platform-agent-onboarding";

/** The agent as the run starts it: the image, or the script's path and text (read from the checkout). */
export type AgentSpec = { kind: "image"; image: string } | { kind: "script"; path: string; content: string };

export interface AgentStart {
  agent: AgentSpec;
  apiUrl: string;
  clusterId: string;
  /** The run's SecureString parameter holding the onboarding token (its name only, never the token). */
  tokenParameter: { name: string; region: string };
}

/** The name of the agent as the evidence shows it: the image reference, or the script's path. */
export function agentLabel(agent: PlatformAgent | AgentSpec): string {
  return agent.kind === "image" ? agent.image : agent.path;
}

/**
 * The SSM step that starts the agent (remote/platform/agent-up.sh): the node reads the onboarding
 * token from its SecureString parameter with the instance role; the command carries the parameter's
 * name, the API URL and the cluster id, nothing secret. An image agent's pod gets `waitSeconds` to
 * run (the step fails fast, with its describe and log, on a pod that can never start).
 */
export function planAgentUp(start: AgentStart, waitSeconds: number): RemoteScript {
  const { agent } = start;
  const files =
    agent.kind === "image"
      ? [
          {
            path: "agent-deployment.yaml",
            content: renderManifest(agentTemplate, {
              namespace: AGENT_NAMESPACE,
              name: AGENT_NAME,
              image: agent.image,
              apiUrl: start.apiUrl,
              clusterId: start.clusterId,
              tokenSecret: AGENT_TOKEN_SECRET,
            }),
          },
          POD_WATCH_FILE,
        ]
      : [{ path: "agent.sh", content: agent.content }];
  return {
    name: "platform-agent-up",
    body: agentUpSh,
    env: {
      TOKEN_PARAMETER: start.tokenParameter.name,
      TOKEN_REGION: start.tokenParameter.region,
      PLATFORM_API_URL: start.apiUrl,
      PLATFORM_CLUSTER_ID: start.clusterId,
      AGENT_KIND: agent.kind,
      NAMESPACE: AGENT_NAMESPACE,
      NAME: AGENT_NAME,
      TOKEN_SECRET: AGENT_TOKEN_SECRET,
      TIMEOUT_SECONDS: String(waitSeconds),
    },
    files,
    // SSM's limit sits above the script's own wait, which collects the diagnostics first.
    timeoutSeconds: waitSeconds + 120,
  };
}

/** The SSM step that collects the agent's describe and log when the cluster never became active. */
export function planAgentDiagnostics(agent: AgentSpec): RemoteScript {
  return {
    name: "platform-agent-diagnostics",
    body: agentDiagnosticsSh,
    env: { AGENT_KIND: agent.kind, NAMESPACE: AGENT_NAMESPACE, NAME: AGENT_NAME },
    timeoutSeconds: 120,
  };
}
