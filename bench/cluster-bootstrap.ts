// npm run bench:bootstrap:cluster — how much longer 4 nodes take than 1 to be Ready, on the
// stand-in's latency model (issue 14: within 1.2×).
//
// Launches instances on the local AWS stand-in and drives them over its SSM exactly as a run does:
// one node bootstraps alone (bootstrapNode), then four form a cluster (formCluster: node 0 the k3s
// server, three agents joining it with the node token through a SecureString parameter). Stub
// latencies (k3s download and start, image pulls, device plugin, pods) are scaled by SCALE and shown
// scaled back up (SCALE=1 for none); the stand-in's own SSM and boot delays are its defaults. Each size runs ROUNDS
// times; the last line is `cluster-4-vs-1: <ratio>x`, the ratio of the medians.
import { EC2Client, RunInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { S3Client } from "@aws-sdk/client-s3";
import { startStandIn } from "../stand-in/index.js";
import { instancesLeftAlive } from "../stand-in/settle.js";
import { ssmRemote } from "../src/cloud/ssm.js";
import { bootstrapNode } from "../src/node/bootstrap.js";
import { formCluster } from "../src/node/cluster.js";
import type { Phase } from "../src/evidence/results.js";
import { MemoryLog } from "../src/runtime/log.js";
import { systemClock } from "../src/runtime/clock.js";

// Stub latencies ×SCALE: 0.5 halves the bench's time but doubles, in the scaled-up figures, the CPU
// time of simulating every node on this one machine (four nodes' stubs share its cores). SCALE=1
// measures the latency model at face value.
const SCALE = Number(process.env.SCALE ?? 0.5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const IMAGES = ["nvcr.io/nvidia/pytorch:25.01-py3", "vllm/vllm-openai:v0.8.5"];
const BUCKET = "bench-ssm-output";
const REGION = "us-west-2";

const standIn = await startStandIn({
  buckets: [BUCKET],
  faults: { ttlMinuteMs: 600_000 },
  extraCommandEnv: { STUB_LATENCY_SCALE: String(SCALE) },
});
const env = standIn.staticCredentialsEnv();
const common = { region: REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } };
const ec2 = new EC2Client({ ...common, endpoint: standIn.env.AWS_ENDPOINT_URL_EC2 });
const ssm = new SSMClient({ ...common, endpoint: standIn.env.AWS_ENDPOINT_URL_SSM });
const s3 = new S3Client({ ...common, endpoint: standIn.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
const log = new MemoryLog();

/** Launches `count` instances and waits for their SSM agents; returns their ids and private IPs. */
async function launch(count: number): Promise<Array<{ id: string; privateIp: string }>> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "g5.xlarge",
      MinCount: count,
      MaxCount: count,
      SubnetId: "subnet-0a1b2c3d4e5f60718",
      IamInstanceProfile: { Arn: "arn:aws:iam::123456789012:instance-profile/gpu-bench-instance" },
    }),
  );
  const ids = out.Instances!.map((i) => i.InstanceId!);
  for (;;) {
    const views = standIn.instances().filter((i) => ids.includes(i.id));
    if (views.every((v) => v.agentOnline)) return ids.map((id) => ({ id, privateIp: views.find((v) => v.id === id)!.privateIp }));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const remoteOn = (instanceId: string) =>
  ssmRemote({ ssm, ec2, s3, clock: systemClock, log, instanceId, outputBucket: BUCKET, outputPrefix: "ssm" });

/** Seconds (scaled back up) from the first bootstrap command until every node is Ready; prints the 4-node timeline. */
async function readyIn(count: number, round: number): Promise<number> {
  const phases: Array<Phase & { node: number }> = [];
  const nodes = await launch(count);
  try {
    const started = Date.now();
    const server = remoteOn(nodes[0]!.id);
    if (count === 1) await bootstrapNode(server, { images: IMAGES, clock: systemClock, log });
    else {
      const tokenParameter = { name: `/gpu-bench/bench/runs/round-${count}-${round}/k3s-node-token`, region: REGION };
      await formCluster({
        nodes: nodes.map((n) => ({ remote: remoteOn(n.id), privateIp: n.privateIp })),
        bootstrap: { images: IMAGES, clock: systemClock },
        bootstrapServer: async () => {
          const ready = await bootstrapNode(server, { images: IMAGES, clock: systemClock, log });
          phases.push(...ready.phases.map((p) => ({ ...p, node: 0 })));
          return ready.inventory;
        },
        tokenParameter,
        putToken: async (token) => {
          await ssm.send(
            new PutParameterCommand({
              Name: tokenParameter.name,
              Value: token,
              Type: "SecureString",
              KeyId: "alias/gpu-bench-node-secrets",
            }),
          );
        },
        mask: (secret) => log.mask(secret),
        record: (list, node) => phases.push(...list.map((p) => ({ ...p, node }))),
        log,
      });
    }
    const seconds = (Date.now() - started) / 1000 / SCALE;
    if (phases.length > 0 && round === 0) {
      const up = (iso: string) => ((Date.parse(iso) - started) / 1000 / SCALE).toFixed(1).padStart(6);
      console.log(`\n${count} nodes, round ${round + 1}: each node's phases (s from the first command, scaled up)`);
      for (const p of phases.sort((a, b) => a.node - b.node || a.startedAt.localeCompare(b.startedAt)))
        console.log(`  node${p.node} ${p.name.padEnd(24)} ${up(p.startedAt)} ${up(p.endedAt)}  ${p.detail ?? ""}`);
    }
    return seconds;
  } finally {
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: nodes.map((n) => n.id) }));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  const seconds: Record<number, number[]> = { 1: [], 4: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const count of [1, 4]) {
      const s = await readyIn(count, round);
      seconds[count]!.push(s);
      console.log(`round ${round + 1}: ${count} node(s) Ready in ${s.toFixed(1)} s`);
    }
  }
  const one = median(seconds[1]!);
  const four = median(seconds[4]!);
  console.log(
    `\nOn the stand-in (stub latencies x${SCALE}, shown scaled back up; medians of ${ROUNDS}): 1 node ${one.toFixed(1)} s, 4 nodes ${four.toFixed(1)} s`,
  );
  console.log(`cluster-4-vs-1: ${(four / one).toFixed(2)}x (target: at most 1.20x)`);
} finally {
  const alive = await instancesLeftAlive(standIn);
  if (alive.length > 0) console.error(`left running: ${alive.join(", ")}`);
  ec2.destroy();
  ssm.destroy();
  s3.destroy();
  await standIn.stop();
}
