import { z } from "zod";
import { JSON_LINE_MARKER, markedLines } from "../cloud/remote-script.js";
import { Phase, PhaseStatus } from "../evidence/results.js";

const PhaseLine = z.object({
  kind: z.literal("phase"),
  name: z.string().min(1),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  status: PhaseStatus,
  detail: z.string().optional(),
});

export const ErrorLine = z.object({
  kind: z.literal("error"),
  step: z.string().min(1),
  message: z.string(),
  hint: z.string().default(""),
});
export type ErrorLine = z.infer<typeof ErrorLine>;

export const InventoryLine = z.object({
  kind: z.literal("inventory"),
  kernel: z.string(),
  os: z.string(),
  k3sVersion: z.string(),
  driverVersion: z.string(),
  cudaVersion: z.string(),
  /** The nvidia-smi --query-gpu fields, in the order of each row's columns. */
  gpuQuery: z.string(),
  gpuRows: z.array(z.string()),
  /** nvidia-smi's other lines (stdout and stderr): infoROM, ECC, retired-page warnings. */
  gpuWarnings: z.array(z.string()).default([]),
  /** Set when an older driver did not know some queried fields. */
  driverNote: z.string().default(""),
  images: z.array(z.object({ ref: z.string(), digest: z.string().optional() })),
  /** Network interfaces other than lo (remote/node/inventory.sh); "" where /sys did not say. */
  network: z.array(z.object({ name: z.string(), mac: z.string(), driver: z.string(), state: z.string(), mtu: z.string() })).default([]),
  /** EFA devices (RDMA devices of the efa driver). */
  efa: z.array(z.string()).default([]),
  /** With EFA=1 (remote/node/efa.sh): where the node's libfabric and AWS OFI NCCL plugin are. */
  efaSoftware: z.object({ libfabricHome: z.string(), ofiNcclHome: z.string(), ofiNcclLibDir: z.string(), source: z.string() }).optional(),
});
export type InventoryLine = z.infer<typeof InventoryLine>;

/** The nodes of a multi-node cluster as its server sees them (remote/node/cluster-ready.sh). */
export const ClusterLine = z.object({
  kind: z.literal("cluster"),
  nodes: z.array(z.object({ name: z.string(), privateIp: z.string(), ready: z.boolean(), gpus: z.number().int().nonnegative() })),
});
export type ClusterLine = z.infer<typeof ClusterLine>;

const ScriptLine = z.discriminatedUnion("kind", [PhaseLine, ErrorLine, InventoryLine, ClusterLine]);

export interface ScriptOutput {
  phases: Phase[];
  error?: ErrorLine;
  inventory?: InventoryLine;
  cluster?: ClusterLine;
  /** Lines with the prefix that did not parse: a script bug, reported rather than ignored. */
  malformed: string[];
}

export function parseScriptOutput(stdout: string): ScriptOutput {
  const out: ScriptOutput = { phases: [], malformed: [] };
  for (const text of markedLines(stdout, JSON_LINE_MARKER)) {
    let parsed;
    try {
      parsed = ScriptLine.safeParse(JSON.parse(text));
    } catch {
      out.malformed.push(text);
      continue;
    }
    if (!parsed.success) {
      out.malformed.push(text);
      continue;
    }
    const value = parsed.data;
    if (value.kind === "phase") {
      const { kind: _kind, ...phase } = value;
      out.phases.push(Phase.parse(phase));
    } else if (value.kind === "error") out.error ??= value;
    else if (value.kind === "cluster") out.cluster = value;
    else out.inventory = value;
  }
  return out;
}
