import { TRANSPORT_WORDS, type Transport } from "../evidence/distributed-section.js";
import type { EfaPods } from "./efa-pods.js";

/**
 * The network a collective of the distributed workloads (nccl-allreduce, distributed resnet50)
 * ran over, read from the ranks' logs, and what the report says when the pods had EFA but it was
 * not used.
 */

/**
 * A network and the log line that shows it; with sockets, also NCCL's line on its network plugin
 * and torchrun-pod.py's line when the host's libfabric did not load in the image (`libfabric`).
 */
export interface CollectiveNetwork {
  transport: Transport;
  line: string;
  plugin?: string;
  libfabric?: string;
}

/**
 * Which network NCCL chose, from its NCCL_DEBUG=INFO lines: "Using network Libfabric" (NCCL 2.19
 * and later; "AWS Libfabric" before), "NET/OFI …" and "via NET/AWS Libfabric/…" for EFA through the
 * AWS OFI NCCL plugin; "Using network IB" / "NET/IB …" for InfiniBand; "Using network Socket" /
 * "NET/Socket …" for TCP sockets. With sockets, `plugin` is NCCL's line saying why it loaded no
 * network plugin ("NET/Plugin: Could not find: libnccl-net.so. …"), when it printed one.
 * Undefined when no such line was printed (NCCL_DEBUG off, or one node, where NCCL may never open
 * its network).
 */
export function ncclTransport(log: string): CollectiveNetwork | undefined {
  const lines = log.split("\n").filter((l) => /NCCL INFO/.test(l));
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const found = (transport: Transport, line: string) => {
    const plugin =
      transport === "socket" ? find(/NET\/Plugin: (Could not find|No plugin found|Plugin load returned|Failed to load)/) : undefined;
    return { transport, line: line.trim(), ...(plugin ? { plugin: plugin.trim() } : {}) };
  };
  const chosen = find(/Using network (\S.*)$/);
  if (chosen) {
    const net = /Using network (\S.*)$/.exec(chosen)![1]!.trim();
    if (/libfabric|ofi/i.test(net)) return found("efa", chosen);
    if (/^IB/i.test(net)) return found("ib", chosen);
    if (/^Socket/i.test(net)) return found("socket", chosen);
  }
  for (const [re, transport] of [
    [/NET\/OFI|NET\/(AWS )?Libfabric/, "efa"],
    [/NET\/IB/, "ib"],
    [/NET\/Socket/, "socket"],
  ] as const) {
    const line = find(re);
    if (line) return found(transport, line);
  }
  return undefined;
}

/**
 * What the report says when the pods had EFA but the collective did not run over it: NCCL chose
 * another network (its evidence line quoted), or the ranks ran gloo on the CPU (the stand-in),
 * which never uses EFA, so nothing was learnt about it. Undefined when NCCL used EFA.
 */
export function efaTransportNote(efa: EfaPods, transport: CollectiveNetwork): string | undefined {
  const had = `the pods had ${efa.devicesPerNode} EFA device(s) each and the AWS OFI NCCL plugin from ${efa.ofiNcclHome}`;
  if (transport.transport === "efa") return undefined;
  if (transport.transport === "gloo-tcp")
    return `${had}, but the ranks ran gloo on the CPU, which does not use EFA: whether NCCL would use it was not measured`;
  const evidence = [transport.libfabric, transport.plugin, transport.line].filter(Boolean).join("; ");
  return `${had}, but NCCL used ${TRANSPORT_WORDS[transport.transport]} between the nodes${evidence ? ` (${evidence})` : ""}`;
}

/**
 * The network of a run whose ranks used `backend` (the scripts' records: "gloo" on the CPU, as on
 * the stand-in, is gloo's TCP and never NCCL's; otherwise NCCL's lines in `log` say, with
 * torchrun-pod.py's "torchrun-pod: EFA: …" line as `libfabric` when NCCL fell back to sockets).
 * Undefined when NCCL printed no network line.
 */
export function collectiveNetwork(backend: string | undefined, log: string): CollectiveNetwork | undefined {
  if (backend === "gloo") return { transport: "gloo-tcp", line: "" };
  const network = ncclTransport(log);
  const libfabric = /^.*torchrun-pod: EFA: .*$/m.exec(log)?.[0].trim();
  return network && network.transport === "socket" && libfabric ? { ...network, libfabric } : network;
}
