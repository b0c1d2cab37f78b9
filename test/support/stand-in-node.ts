import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { bootstrapNode, type NodeReady } from "../../src/node/bootstrap.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { killSandboxProcesses, localRemote } from "./local-remote.js";

export interface StandInNodeOptions {
  /** Prefix of the sandbox folder made in the system's temporary folder, e.g. "faults-node-". */
  prefix: string;
  /** The suite's workload images the bootstrap pulls (workloadImages(suite)). */
  images: readonly string[];
  /** Environment of every command on this node (stub knobs, latency scale); remote(env) adds to it. */
  env: Record<string, string>;
}

export interface StandInNode {
  /** The sandbox folder standing in for the instance (root/, tmp/, home/ inside). */
  readonly sandbox: string;
  /** What the bootstrap found on the node. */
  readonly inventory: NodeReady["inventory"];
  /** The node's first GPU as workloads and faults take it: name, compute capability, maximum SM clock (MHz). */
  readonly gpu: { name?: string; computeCapability?: string; maxSmClockMHz?: number };
  /** A runner of remote scripts on this node, with the fixture's environment plus `env`. */
  remote(env?: Record<string, string>): ReturnType<typeof localRemote>;
  /** Ends the container processes the stand-in kubelet started on this node (every process with its GPU_BENCH_ROOT). */
  stopContainers(): void;
}

/**
 * One bootstrapped stand-in node for a test file (the node scripts run on this machine through
 * localRemote, k3s and the GPU being the stand-in's): registers a beforeAll that makes the sandbox
 * and bootstraps the node (up to 120 s), and an afterAll that ends the containers started in it and
 * removes it. Call it at the top level of a test file; read its fields inside tests.
 */
export function useStandInNode(options: StandInNodeOptions): StandInNode {
  let sandbox: string | undefined;
  let ready: NodeReady | undefined;
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the stand-in node is not bootstrapped (use it inside tests)");
    return value;
  };
  const node: StandInNode = {
    get sandbox() {
      return need(sandbox);
    },
    get inventory() {
      return need(ready).inventory;
    },
    get gpu() {
      const g = need(ready).inventory.gpus[0];
      return { name: g?.name, computeCapability: g?.computeCapability, maxSmClockMHz: g?.maxSmClockMHz };
    },
    remote: (env = {}) => localRemote({ sandbox: need(sandbox), env: { ...options.env, ...env } }),
    stopContainers() {
      if (sandbox !== undefined) killSandboxProcesses(join(sandbox, "root"));
    },
  };

  beforeAll(async () => {
    sandbox = mkdtempSync(join(tmpdir(), options.prefix));
    ready = await bootstrapNode(node.remote(), { images: options.images, clock: systemClock, log: new MemoryLog() });
  }, 120_000);

  afterAll(() => {
    if (sandbox === undefined) return;
    node.stopContainers();
    rmSync(sandbox, { recursive: true, force: true });
  });

  return node;
}
