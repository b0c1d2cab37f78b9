import { DescribeInstancesCommand, TerminateInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { SendCommandCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clients, eventually, launch, toBase64 } from "./helpers.js";
import { startStandIn, type InstanceView, type StandIn } from "../../stand-in/index.js";
import { processesWithEnv } from "../../stand-in/sandbox.js";

let standIn: StandIn;
let ec2: EC2Client;
let ssm: SSMClient;

beforeAll(async () => {
  standIn = await startStandIn({ faults: { ttlMinuteMs: 20 } });
  ({ ec2, ssm } = clients(standIn));
});
afterAll(async () => {
  ec2.destroy();
  ssm.destroy();
  await standIn.stop();
});
beforeEach(() => standIn.faults.reset());

const view = (id: string): InstanceView => standIn.instances().find((i) => i.id === id)!;
const reaches = (id: string, state: string, timeoutMs = 3000) => eventually(() => (view(id).state === state ? true : undefined), timeoutMs);
const stateReason = async (id: string) =>
  (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.StateReason?.Code;

async function runOn(id: string, commands: string[], executionTimeout = "3600"): Promise<string> {
  await eventually(() => (view(id).agentOnline ? true : undefined));
  const parameters = { commands, executionTimeout: [executionTimeout] };
  const sent = await ssm.send(new SendCommandCommand({ InstanceIds: [id], DocumentName: "AWS-RunShellScript", Parameters: parameters }));
  return sent.Command!.CommandId!;
}

describe("stand-in instance", () => {
  it("runs its user data at boot, in its sandbox, with the instance's environment", async () => {
    const id = await launch(ec2, {
      UserData: toBase64(
        '#!/bin/bash\nset -eu\nmkdir -p "$GPU_BENCH_ROOT/etc"\nenv | sort > "$GPU_BENCH_ROOT/etc/boot-env"\necho booted\n',
      ),
    });
    await eventually(() => (view(id).userDataExitCode === 0 ? true : undefined));
    const { sandbox } = view(id);
    const env = readFileSync(join(sandbox, "root/etc/boot-env"), "utf8");
    expect(env).toContain(`GPU_BENCH_ROOT=${sandbox}/root`);
    expect(env).toContain(`HOME=${sandbox}/home`);
    expect(env).toContain(`STANDIN_INSTANCE_ID=${id}`);
    expect(env).toMatch(/^PATH=.*\/stand-in\/instance-bin:.*\/bin:\/usr\/local\/bin:\/usr\/bin:\/bin$/m);
    expect(readFileSync(join(sandbox, "root/var/log/cloud-init-output.log"), "utf8")).toBe("booted\n");
    // Its address on the instances' network, where another instance's stubs find it (a k3s agent its server).
    const privateIp = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!
      .PrivateIpAddress!;
    expect(env).toContain(`STANDIN_PRIVATE_IP=${privateIp}`);
    const network = /^STANDIN_NETWORK=(.*)$/m.exec(env)![1]!;
    expect(realpathSync(join(network, privateIp))).toBe(realpathSync(sandbox));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(existsSync(join(network, privateIp))).toBe(false);
  });

  it("terminates itself when the user data's `shutdown -P +N` is due (InstanceInitiatedShutdownBehavior=terminate)", async () => {
    const id = await launch(ec2, {
      InstanceInitiatedShutdownBehavior: "terminate",
      UserData: toBase64("#!/bin/bash\nshutdown -P +5 'gpu-bench TTL'\n"),
    });
    await reaches(id, "running");
    const runningAt = Date.now();
    await reaches(id, "terminated");
    expect(Date.now() - runningAt).toBeGreaterThanOrEqual(80);
    expect(await stateReason(id)).toBe("Client.InstanceInitiatedShutdown");
  });

  it("stops instead when InstanceInitiatedShutdownBehavior=stop, and a systemd-run timer works too", async () => {
    const id = await launch(ec2, { InstanceInitiatedShutdownBehavior: "stop" });
    await runOn(id, ["systemd-run --on-active=3m --unit=gpu-bench-ttl /sbin/shutdown -P now"]);
    await reaches(id, "stopped");
    expect(view(id).agentOnline).toBe(false);
  });

  it("lets `shutdown -c` cancel a pending shutdown", async () => {
    const id = await launch(ec2, { InstanceInitiatedShutdownBehavior: "terminate" });
    await runOn(id, ["shutdown -P +3", "shutdown -c"]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(view(id).state).toBe("running");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it("is reclaimed by a spot interruption", async () => {
    standIn.faults.spotInterruptAfterMs = 50;
    const spot = await launch(ec2, { InstanceMarketOptions: { MarketType: "spot" } });
    const onDemand = await launch(ec2);
    await reaches(spot, "terminated");
    expect(await stateReason(spot)).toBe("Server.SpotInstanceTermination");
    expect(view(onDemand).state).toBe("running");

    standIn.faults.spotInterruptAfterMs = undefined;
    const later = await launch(ec2, { InstanceMarketOptions: { MarketType: "spot" } });
    await reaches(later, "running");
    standIn.interruptSpot(later, 10);
    await reaches(later, "terminated");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [onDemand] }));
  });

  it("kills a terminated instance's commands, which then time out without output", async () => {
    standIn.faults.executionSecondMs = 100;
    const id = await launch(ec2);
    const commandId = await runOn(id, ["setsid sleep 60 > /dev/null 2>&1 < /dev/null &", "echo started", "sleep 60"], "5");
    await eventually(() => (standIn.commands().find((c) => c.id === commandId)?.status === "InProgress" ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processesWithEnv(`STANDIN_SANDBOX=${view(id).sandbox}`).length).toBeGreaterThanOrEqual(2);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await eventually(() => (processesWithEnv(`STANDIN_SANDBOX=${view(id).sandbox}`).length === 0 ? true : undefined));
    const command = await eventually(() => {
      const c = standIn.commands().find((c) => c.id === commandId);
      return c?.status === "TimedOut" ? c : undefined;
    });
    expect(command).toMatchObject({ exitCode: -1, stdout: "" });
  });

  it("survives many quick lifecycles without leaking a process", async () => {
    const quick = await startStandIn({
      faults: { bootDelayMs: 5, agentDelayMs: 5, describeLagMs: 0, invocationLagMs: 5, shuttingDownMs: 5 },
    });
    const { ec2: quickEc2, ssm: quickSsm } = clients(quick);
    const lifecycle = async () => {
      const id = await launch(quickEc2, { UserData: toBase64("#!/bin/bash\nsleep 60 &\nshutdown -P +600\n") });
      await eventually(() => (quick.instances().find((i) => i.id === id)!.agentOnline ? true : undefined));
      const sent = await quickSsm.send(
        new SendCommandCommand({
          InstanceIds: [id],
          DocumentName: "AWS-RunShellScript",
          Parameters: { commands: ["(sleep 60 > /dev/null 2>&1 &)", "echo ok"] },
        }),
      );
      await eventually(() => (quick.commands().find((c) => c.id === sent.Command!.CommandId)?.status === "Success" ? true : undefined));
      await quickEc2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    };
    for (let round = 0; round < 4; round++) await Promise.all(Array.from({ length: 10 }, lifecycle));
    await eventually(() => (quick.liveInstances().length === 0 ? true : undefined));
    expect(quick.instances().flatMap((i) => processesWithEnv(`STANDIN_SANDBOX=${i.sandbox}`))).toEqual([]);
    quickEc2.destroy();
    quickSsm.destroy();
    await quick.stop();
  });

  it("leaves no process behind when stopped", async () => {
    const own = await startStandIn();
    const { ec2: ownEc2, ssm: ownSsm } = clients(own);
    const id = await launch(ownEc2, {
      UserData: toBase64("#!/bin/bash\nsleep 60 &\nsetsid sleep 60 > /dev/null 2>&1 < /dev/null &\nwait\n"),
    });
    await eventually(() => (own.instances()[0]?.agentOnline ? true : undefined));
    await ownSsm.send(
      new SendCommandCommand({ InstanceIds: [id], DocumentName: "AWS-RunShellScript", Parameters: { commands: ["sleep 60"] } }),
    );
    const sandbox = own.instances()[0]!.sandbox;
    await eventually(() => (processesWithEnv(`STANDIN_SANDBOX=${sandbox}`).length >= 4 ? true : undefined));
    ownEc2.destroy();
    ownSsm.destroy();
    await own.stop();
    expect(processesWithEnv(`STANDIN_SANDBOX=${sandbox}`)).toEqual([]);
    expect(existsSync(sandbox)).toBe(false);
  });
});
