import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { SuiteError, allReduceSizes, loadSuite, type NcclAllReduceWorkload } from "../../src/config/suite.js";
import { WorkloadResult } from "../../src/evidence/results.js";
import { allReduceBandwidth, allReduceResult, checkAllReduceRanks, planAllReduce } from "../../src/workloads/allreduce.js";
import { collectiveNetwork, efaTransportNote, ncclTransport } from "../../src/workloads/nccl-network.js";
import type { EfaPods } from "../../src/workloads/efa-pods.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function workload(extra = ""): NcclAllReduceWorkload {
  const suite = loadSuite(`version: 1\nname: t\nworkloads:\n  - { id: ar, kind: nccl-allreduce${extra} }\n`, {});
  return suite.workloads[0] as NcclAllReduceWorkload;
}

describe("all-reduce bandwidth (nccl-tests' definitions)", () => {
  it("algbw = bytes / time and busbw = algbw × 2(n−1)/n, in GB/s of 10⁹ bytes", () => {
    // An all_reduce_perf row on 8 ranks: 536870912 B in 4352.1 µs prints algbw 123.36, busbw 215.88.
    const bw = allReduceBandwidth(536_870_912, 4352.1e-6, 8);
    expect(bw.algbwGBps.toFixed(2)).toBe("123.36");
    expect(bw.busbwGBps.toFixed(2)).toBe("215.88");
    // 16 ranks over two nodes: the factor is 2·15/16 = 1.875.
    expect(allReduceBandwidth(1e9, 0.1, 16)).toEqual({ algbwGBps: 10, busbwGBps: 18.75 });
    // Two ranks: the factor is 1; one rank moves nothing over any bus.
    expect(allReduceBandwidth(4e6, 1e-3, 2)).toEqual({ algbwGBps: 4, busbwGBps: 4 });
    expect(allReduceBandwidth(4e6, 1e-3, 1).busbwGBps).toBe(0);
  });

  it("refuses a time, size or rank count that is not positive", () => {
    expect(() => allReduceBandwidth(1024, 0, 2)).toThrow(RangeError);
    expect(() => allReduceBandwidth(0, 1, 2)).toThrow(RangeError);
    expect(() => allReduceBandwidth(1024, 1, 0)).toThrow(RangeError);
  });
});

describe("the nccl-allreduce suite entry", () => {
  it("sweeps 1 MiB to 1 GiB by 4 by default, as nccl-tests' -b/-e/-f", () => {
    const w = workload();
    expect(allReduceSizes(w)).toEqual([2 ** 20, 2 ** 22, 2 ** 24, 2 ** 26, 2 ** 28, 2 ** 30]);
    expect(w).toMatchObject({ trials: 3, warmupIters: 5, iters: 20 });
  });

  it("the widest sweep the limits allow, 4 B to 8 GiB by 2, is 32 sizes", () => {
    const sizes = allReduceSizes(workload(", minBytes: 4, maxBytes: 8589934592, stepFactor: 2"));
    expect(sizes).toHaveLength(32);
    expect([sizes[0], sizes.at(-1)]).toEqual([4, 2 ** 33]);
  });

  it("takes no fault scenarios", () => {
    expect(() => workload(", faults: [{ id: k, kind: pod-kill, at: 5, baselineSeconds: 5, slo: { maxRecoverySeconds: 10 } }]")).toThrow(
      /faults.*nccl-allreduce takes no fault scenarios/,
    );
  });

  it("names every problem: sizes not of whole float32 elements, an empty range", () => {
    let error: unknown;
    try {
      workload(", minBytes: 6, maxBytes: 4");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SuiteError);
    const text = (error as SuiteError).problems.join("\n");
    expect(text).toMatch(/minBytes.*multiple of 4 bytes/);
    expect(text).toMatch(/minBytes.*larger than maxBytes/);
  });
});

describe("the distributed Job's manifest", () => {
  it("is an Indexed Job of one pod per node with all of its GPUs, a headless Service for the rendezvous, and the scripts in a ConfigMap", () => {
    const plan = planAllReduce(workload(", minBytes: 1024, maxBytes: 4096, stepFactor: 2"), { nodes: 2, gpusPerNode: 4 });
    const manifest = plan.script.files!.find((f) => f.path === "manifest.yaml")!.content;
    const [ns, cm, svc, job] = parseAllDocuments(manifest).map((d) => d.toJS() as Obj);
    expect(ns!.kind).toBe("Namespace");
    expect(Object.keys(cm!.data)).toEqual(["torchrun-pod.py", "allreduce.py"]);
    expect(svc).toMatchObject({
      kind: "Service",
      metadata: { name: "nccl-ar" },
      spec: { clusterIP: "None", selector: { "job-name": "nccl-ar" } },
    });
    expect(job!.spec).toMatchObject({ completionMode: "Indexed", completions: 2, parallelism: 2, backoffLimit: 0 });
    const pod = job!.spec.template.spec;
    expect(pod.subdomain).toBe("nccl-ar");
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe("kubernetes.io/hostname");
    const c = pod.containers[0];
    expect(c.resources.limits["nvidia.com/gpu"]).toBe(4);
    expect(c.command).toEqual(["python", "-u", "/workload/torchrun-pod.py"]);
    expect(c.args).toEqual([
      "/workload/allreduce.py",
      "--sizes",
      "1024,2048,4096",
      "--warmup-iters",
      "5",
      "--iters",
      "20",
      "--trials",
      "3",
    ]);
    const env = Object.fromEntries((c.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      NNODES: "2",
      NPROC_PER_NODE: "4",
      RDZV_HOST: "nccl-ar-0.nccl-ar.gpu-bench.svc.cluster.local",
      RDZV_PORT: "29500",
      NCCL_DEBUG: "INFO",
    });
    // job.sh relays rank 0's log: the pod of index 0.
    expect(plan.script.env).toMatchObject({
      JOB_NAME: "nccl-ar",
      LOG_SELECTOR: "job-name=nccl-ar,batch.kubernetes.io/job-completion-index=0",
    });
  });
});

describe("which network NCCL used", () => {
  // Lines as NCCL printed them, from public logs: NVIDIA/nccl#1597 (2 × p5en, aws-ofi-nccl),
  // aws/aws-ofi-nccl#24 (NCCL 2.4 through the plugin), and a container without the plugin
  // (NCCL 2.21.5, "No plugin found" / 2.23.4, "Could not find").
  const p5en = [
    "8h200-3:6310:6318 [0] NCCL INFO NET/OFI Selected Provider is efa (found 16 nics)",
    "8h200-3:6310:6318 [0] NCCL INFO NET/OFI NIC group 0 device #0 0000:56:00.0",
    "8h200-2:6831:6840 [0] NCCL INFO PROFILER/Plugin: Could not find: libnccl-profiler.so.",
    "8h200-2:6831:6840 [0] NCCL INFO Using network Libfabric",
  ].join("\n");
  const oldPlugin = "[1,7]<stdout>:ip-172-32-38-1:21471:22316 [7] NCCL INFO Ring 00 : 7 -> 8 [send] via NET/AWS Libfabric/0";
  const noPlugin = [
    "0fed198eb8ba:528157:528157 [0] NCCL INFO Bootstrap : Using eth0:10.60.10.2<0>",
    "0fed198eb8ba:528157:528157 [0] NCCL INFO NET/Plugin: No plugin found (libnccl-net.so)",
    "0fed198eb8ba:528157:528157 [0] NCCL INFO NET/Plugin: Using internal network plugin.",
    "0fed198eb8ba:528157:528268 [0] NCCL INFO NET/Socket : Using [0]eth0:10.60.10.2<0>",
    "0fed198eb8ba:528157:528268 [0] NCCL INFO Using network Socket",
  ].join("\n");
  const couldNotFind = [
    "DESKTOP-P54EAF3:58239:58245 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.",
    "DESKTOP-P54EAF3:58239:58245 [0] NCCL INFO Failed to open libibverbs.so[.1]",
    "DESKTOP-P54EAF3:58239:58245 [0] NCCL INFO NET/Socket : Using [0]eth0:172.26.190.235<0>",
  ].join("\n");

  it("EFA: 'Using network Libfabric' (the network NCCL chose), NET/OFI, or an older NCCL's 'via NET/AWS Libfabric'", () => {
    expect(ncclTransport(p5en)).toEqual({ transport: "efa", line: "8h200-2:6831:6840 [0] NCCL INFO Using network Libfabric" });
    expect(ncclTransport(p5en.split("\n").slice(0, 2).join("\n"))).toEqual({
      transport: "efa",
      line: "8h200-3:6310:6318 [0] NCCL INFO NET/OFI Selected Provider is efa (found 16 nics)",
    });
    expect(ncclTransport(oldPlugin)?.transport).toBe("efa");
  });

  it("TCP sockets, with NCCL's line saying that it found no network plugin", () => {
    expect(ncclTransport(noPlugin)).toEqual({
      transport: "socket",
      line: "0fed198eb8ba:528157:528268 [0] NCCL INFO Using network Socket",
      plugin: "0fed198eb8ba:528157:528157 [0] NCCL INFO NET/Plugin: No plugin found (libnccl-net.so)",
    });
    expect(ncclTransport(couldNotFind)).toMatchObject({
      transport: "socket",
      plugin: "DESKTOP-P54EAF3:58239:58245 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.",
    });
  });

  it("with sockets, also torchrun-pod.py's line when the host's libfabric did not load in the image", () => {
    const log = [
      "torchrun-pod: EFA libraries from /opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib",
      "torchrun-pod: EFA: libfabric.so.1 does not load in this image: OSError: libefa.so.1: cannot open shared object file: No such file or directory",
      noPlugin,
    ].join("\n");
    const network = collectiveNetwork("nccl", log)!;
    expect(network).toMatchObject({
      transport: "socket",
      libfabric:
        "torchrun-pod: EFA: libfabric.so.1 does not load in this image: OSError: libefa.so.1: cannot open shared object file: No such file or directory",
    });
    const efa = {
      devicesPerNode: 4,
      libfabricHome: "/opt/amazon/efa",
      ofiNcclHome: "/opt/amazon/ofi-nccl",
      libraryPath: "",
      deviceRdma: true,
    };
    expect(efaTransportNote(efa, network)).toMatch(
      /but NCCL used TCP sockets between the nodes \(torchrun-pod: EFA: libfabric\.so\.1 does not load.*libefa\.so\.1.*; .*No plugin found.*; .*Using network Socket\)$/,
    );
    // gloo never reads NCCL's lines; EFA used: the line does not matter.
    expect(collectiveNetwork("gloo", log)).toEqual({ transport: "gloo-tcp", line: "" });
    expect(collectiveNetwork("nccl", `${log.split("\n").slice(0, 2).join("\n")}\nh:1:2 [0] NCCL INFO Using network Libfabric`)).toEqual({
      transport: "efa",
      line: "h:1:2 [0] NCCL INFO Using network Libfabric",
    });
  });

  it("InfiniBand, and nothing from lines outside NCCL's INFO lines", () => {
    expect(ncclTransport("h:1:1 [0] NCCL INFO Using network IB")?.transport).toBe("ib");
    expect(ncclTransport("some other line\nNET/Socket outside NCCL's INFO lines")).toBeUndefined();
  });
});

describe("the all-reduce result", () => {
  const w = workload(", minBytes: 1048576, maxBytes: 4194304, trials: 2");
  const line = (trial: number, size: number, time: number, correct = true) =>
    `GPU_BENCH_JSON ${JSON.stringify({ record: "allreduce", trial, size_bytes: size, count: size / 4, dtype: "float32", ranks: 16, nodes: 2, time_s: time, iters: 20, backend: "nccl", device: "cuda", correct })}`;
  const job = 'GPU_BENCH_JOB {"job":"nccl-ar","outcome":"succeeded","seconds":40,"exitCode":0}';
  const times = { startedAt: "2026-12-06T03:00:00.000Z", endedAt: "2026-12-06T03:01:00.000Z" };

  it("has bus and algorithm bandwidth per message size, the largest size's bus bandwidth as headline, and the network", () => {
    const stdout = [line(1, 1048576, 100e-6), line(1, 4194304, 200e-6), line(2, 1048576, 100e-6), line(2, 4194304, 250e-6), job].join("\n");
    const stderr = "node-0:7:7 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.1.23<0>";
    const result = WorkloadResult.parse(allReduceResult(w, { nodes: 2, gpusPerNode: 8 }, { stdout, stderr }, times));
    expect(result.status).toBe("ok");
    expect(result.parameters).toMatchObject({ nodes: 2, gpusPerNode: 8, ranks: 16, backend: "nccl" });
    const bus4 = result.metrics.find((m) => m.name === "bus_bandwidth_gbps@4194304B")!;
    expect(bus4).toMatchObject({ headline: true, messageBytes: 4194304, unit: "GB/s", direction: "higher" });
    // 4194304 B in 200 µs and 250 µs: algbw 20.97 and 16.78 GB/s; × 1.875 for 16 ranks.
    expect(bus4.trials.map((v) => v.toFixed(2))).toEqual(["39.32", "31.46"]);
    expect(result.metrics.find((m) => m.name === "algorithm_bandwidth_gbps@1048576B")!.summary.median.toFixed(2)).toBe("10.49");
    expect(result.metrics.filter((m) => m.headline)).toHaveLength(1);
    expect(result.trials[0]).toMatchObject({ transport: "socket", time_us: 100 });
  });

  it("one rank (one node with one GPU) is a failure with no metric, never a bus bandwidth of 0 GB/s as the headline", () => {
    const single = (trial: number, size: number) =>
      `GPU_BENCH_JSON ${JSON.stringify({ record: "allreduce", trial, size_bytes: size, count: size / 4, dtype: "float32", ranks: 1, nodes: 1, time_s: 20e-6, iters: 20, backend: "nccl", device: "cuda", correct: true })}`;
    const stdout = [single(1, 1048576), single(1, 4194304), single(2, 1048576), single(2, 4194304), job].join("\n");
    const result = allReduceResult(w, { nodes: 1, gpusPerNode: 1 }, { stdout, stderr: "" }, times);
    expect(result.status).toBe("failed");
    expect(result.metrics).toEqual([]);
    expect(result.message).toBe(
      "an all-reduce over 1 rank (1 node × 1 GPU) moves no data, so there is no bandwidth to measure: give the suite nodes: 2 or more, or list an instance type with several GPUs",
    );
  });

  it("before launch: a one-node all-reduce on a type with one GPU is named with the fix; several GPUs or several nodes pass", () => {
    const gpus = new Map([
      ["g5.2xlarge", 1],
      ["g5.12xlarge", 4],
    ]);
    expect(checkAllReduceRanks([w], 1, gpus)).toEqual([
      "workload 'ar' on one node of g5.2xlarge (1 GPU) would all-reduce over 1 rank, which moves no data: " +
        "set the suite's nodes: 2 or more, or list only g5.12xlarge in 'instance-types'",
    ]);
    expect(checkAllReduceRanks([w], 1, new Map([["g5.xlarge", 1]]))).toEqual([
      "workload 'ar' on one node of g5.xlarge (1 GPU) would all-reduce over 1 rank, which moves no data: " +
        "set the suite's nodes: 2 or more, or list instance types with several GPUs (such as g5.12xlarge) in 'instance-types'",
    ]);
    expect(checkAllReduceRanks([w], 1, new Map([["g5.12xlarge", 4]]))).toEqual([]);
    expect(checkAllReduceRanks([w], 2, gpus)).toEqual([]);
  });

  it("fails on wrong sums or missing sizes", () => {
    const stdout = [line(1, 1048576, 100e-6, false), 'GPU_BENCH_JOB {"job":"nccl-ar","outcome":"failed","seconds":4,"exitCode":1}'].join(
      "\n",
    );
    const result = allReduceResult(
      w,
      { nodes: 2, gpusPerNode: 8 },
      { stdout, stderr: "h:1:1 [0] NCCL INFO Using network Socket\nRuntimeError: boom" },
      times,
    );
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/^1 of 4 measurements finished: its container exited with an error \(exit code 1\)\./);
    expect(result.message).toMatch(/RuntimeError: boom/);
    expect(result.message).toMatch(/wrong sums at 1 MiB$/);
  });

  const efa: EfaPods = {
    devicesPerNode: 4,
    libfabricHome: "/opt/amazon/efa",
    ofiNcclHome: "/opt/amazon/ofi-nccl",
    libraryPath: "/opt/amazon/efa/lib:/opt/amazon/ofi-nccl/lib",
    deviceRdma: true,
  };
  const points = [line(1, 1048576, 100e-6), line(1, 4194304, 200e-6), line(2, 1048576, 100e-6), line(2, 4194304, 250e-6), job].join("\n");

  it("says when the pods had EFA but NCCL used TCP sockets between the nodes, and why NCCL said so", () => {
    const stderr = [
      "node-0:7:7 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.",
      "node-0:7:7 [0] NCCL INFO Using network Socket",
    ].join("\n");
    const onEfa = allReduceResult(w, { nodes: 2, gpusPerNode: 8, efa }, { stdout: points, stderr }, times);
    expect(onEfa.status).toBe("ok");
    expect(onEfa.message).toBe(
      "the pods had 4 EFA device(s) each and the AWS OFI NCCL plugin from /opt/amazon/ofi-nccl, but NCCL used TCP sockets between the nodes " +
        "(node-0:7:7 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.; node-0:7:7 [0] NCCL INFO Using network Socket)",
    );
    expect(onEfa.trials[0]!.transport).toBe("socket");
  });

  it("says nothing when NCCL used EFA, and records the line that says so", () => {
    const used = allReduceResult(
      w,
      { nodes: 2, gpusPerNode: 8, efa },
      { stdout: points, stderr: "h:1:2 [0] NCCL INFO Using network Libfabric" },
      times,
    );
    expect(used.message).toBeUndefined();
    expect(used.trials[0]).toMatchObject({ transport: "efa", transport_evidence: "h:1:2 [0] NCCL INFO Using network Libfabric" });
  });

  it("with gloo on the CPU (the stand-in), says that EFA was not exercised rather than that NCCL chose TCP", () => {
    const gloo = points.replaceAll('"backend":"nccl","device":"cuda"', '"backend":"gloo","device":"cpu"');
    const result = allReduceResult(w, { nodes: 2, gpusPerNode: 1, efa }, { stdout: gloo, stderr: "" }, times);
    expect(result.trials[0]!.transport).toBe("gloo-tcp");
    expect(result.message).toBe(
      "the pods had 4 EFA device(s) each and the AWS OFI NCCL plugin from /opt/amazon/ofi-nccl, but the ranks ran gloo on the CPU, which does not use EFA: whether NCCL would use it was not measured",
    );
    expect(result.message).not.toMatch(/NCCL used/);
  });
});
