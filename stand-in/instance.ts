import { randomUUID } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Scheduler } from "./clock.js";
import type { FaultSettings, Market } from "./faults.js";
import { newInstanceId, newSpotRequestId, newVolumeId, stableHash } from "./ids.js";
import { writeEfaDevices, writeEfaSoftware } from "./efa.js";
import { Sandbox } from "./sandbox.js";

export type InstanceStateName = "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface StateReason {
  code: string;
  message: string;
}

export const USER_SHUTDOWN: StateReason = {
  code: "Client.UserInitiatedShutdown",
  message: "Client.UserInitiatedShutdown: User initiated shutdown",
};
const INSTANCE_SHUTDOWN: StateReason = {
  code: "Client.InstanceInitiatedShutdown",
  message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown",
};
const CAPACITY_LOST: StateReason = {
  code: "Server.InsufficientInstanceCapacity",
  message: "Server.InsufficientInstanceCapacity: Insufficient capacity to satisfy instance request",
};
const SPOT_TERMINATION: StateReason = {
  code: "Server.SpotInstanceTermination",
  message: "Server.SpotInstanceTermination: Spot instance termination",
};

export interface MetadataOptions {
  httpTokens: string;
  httpPutResponseHopLimit: number;
  httpEndpoint: string;
  instanceMetadataTags: string;
}

export interface BlockDeviceMapping {
  deviceName: string;
  volumeSize?: number;
  volumeType?: string;
  deleteOnTermination?: boolean;
  encrypted?: boolean;
}

/** What RunInstances asked for, resolved (AZ from the subnet, user data decoded). */
export interface LaunchSpec {
  imageId: string;
  instanceType: string;
  az: string;
  subnetId: string;
  securityGroupIds: string[];
  iamInstanceProfile?: { name?: string; arn: string };
  userData: string;
  clientToken?: string;
  tags: Record<string, string>;
  volumeTags: Record<string, string>;
  metadataOptions: MetadataOptions;
  blockDeviceMappings: BlockDeviceMapping[];
  rootDeviceName: string;
  shutdownBehavior: "stop" | "terminate";
  market: Market;
  /** The placement group it was launched into (Placement.GroupName), if any. */
  placementGroup?: string;
  /** It was launched with EFA interfaces (NetworkInterface.N.InterfaceType efa or efa-only). */
  efa?: boolean;
  /** How many (one EFA device each under /sys/class/infiniband). */
  efaInterfaces?: number;
  /** The network interfaces RunInstances asked for (none: the subnet's one default interface). */
  networkInterfaces?: NetworkInterfaceSpec[];
}

/** One network interface of a launch: its network card, device index and type. */
export interface NetworkInterfaceSpec {
  card: number;
  device: number;
  type: "interface" | "efa" | "efa-only";
}

export interface InstanceDeps {
  scheduler: Scheduler;
  /** The fault settings as they were at launch. */
  settings: FaultSettings;
  /** Read at the moment a scheduled poweroff is seen. */
  ttlMinuteMs: () => number;
  sandboxDir: (instanceId: string) => string;
  /**
   * The instances' network: `<networkDir>/<private IP>` links to the sandbox of the running
   * instance with that address, so one instance's stubs can reach another's (a k3s agent its server).
   */
  networkDir: string;
  instanceBin: string;
  extraEnv: Record<string, string>;
}

/** Runtime state a reboot wipes, relative to the instance's `/`: what lives in tmpfs or dies with its process. */
const VOLATILE = [
  "run", // tmpfs: systemd-logind's scheduled shutdown among others
  "tmp",
  "var/lib/stand-in/procs", // container process groups
  "var/lib/stand-in/gpu-procs", // CUDA processes nvidia-smi lists
  "var/lib/stand-in/stress", // stress-ng hogs at work
  "var/lib/stand-in/gpu", // power limits set with nvidia-smi -pl are not persistent
];
/** Folders a reboot leaves empty: the kubelet removes the device plugins' sockets when it starts. */
const EMPTIED = ["var/lib/kubelet/device-plugins"];

/**
 * One stand-in EC2 instance: its state machine (pending → running → shutting-down → terminated),
 * its SSM agent registration, its sandbox, the user data it runs at first boot, what starts at
 * every later boot (an OS reboot: `reboot`, `systemctl reboot`, `shutdown -r`), and its own
 * poweroff timers.
 */
export class Instance {
  readonly id = newInstanceId();
  readonly launchedAt = new Date();
  readonly visibleAt: number;
  readonly privateIp: string;
  readonly volumeId = newVolumeId();
  readonly spotRequestId?: string;
  readonly tags: Map<string, string>;
  readonly sandbox: Sandbox;
  state: InstanceStateName = "pending";
  stateReason?: StateReason;
  stateTransitionReason = "";
  /** When the SSM agent last came Online; set once it registered (it stays registered through a reboot). */
  agentOnlineAt?: Date;
  /** When the agent lost its connection (the OS went down for a reboot). */
  agentLostAt?: Date;
  /** /proc/sys/kernel/random/boot_id of the running boot; a new one at every boot. */
  bootId = "";
  /** Boots so far (1 after the first). */
  boots = 0;
  /** The app id (AWS_SDK_UA_APP_ID) of the program that launched it, and of the one whose TerminateInstances ended it. */
  launchedBy?: string;
  terminatedBy?: string;
  /** Exit code of the user-data script; null while it runs or when it was killed. */
  userDataExitCode?: number | null;
  /** Set by RunInstances (faults.loseOnBoot): the instance ends terminated instead of running. */
  lostOnBoot = false;
  private readonly watcher: FSWatcher;
  private powerLinesSeen = 0;
  private cancelShutdown?: () => void;
  /** Pending systemd timers that power off; a reboot clears them (they are transient units). */
  private readonly timers = new Set<() => void>();
  private agentConnected = false;
  private rebooting = false;
  private readonly agentWaiters = new Set<() => void>();

  constructor(
    readonly reservationId: string,
    readonly spec: LaunchSpec,
    private readonly deps: InstanceDeps,
  ) {
    this.visibleAt = Date.now() + deps.settings.describeLagMs;
    const n = stableHash(this.id);
    this.privateIp = `10.0.${(n >>> 8) % 256}.${(n % 253) + 2}`;
    this.spotRequestId = spec.market === "spot" ? newSpotRequestId() : undefined;
    this.tags = new Map(Object.entries(spec.tags));
    this.sandbox = new Sandbox(
      deps.sandboxDir(this.id),
      { instanceId: this.id, instanceType: spec.instanceType, privateIp: this.privateIp, networkDir: deps.networkDir },
      deps.instanceBin,
      deps.extraEnv,
    );
    writeFileSync(this.sandbox.powerFile, "");
    this.writeNetworkDevices();
    writeEfaSoftware(this.sandbox.root, deps.instanceBin);
    this.watcher = watch(this.sandbox.dir, (_event, file) => {
      if (file === basename(this.sandbox.powerFile)) this.readPowerSchedule();
    });
    deps.scheduler.after(deps.settings.bootDelayMs, () => {
      if (this.state !== "pending") return;
      if (this.lostOnBoot) {
        this.terminate(CAPACITY_LOST, "Service initiated");
        return;
      }
      this.state = "running";
      this.joinNetwork();
      this.boot();
      if (spec.market === "spot" && deps.settings.spotInterruptAfterMs !== undefined)
        this.interruptSpot(deps.settings.spotInterruptAfterMs);
    });
  }

  get isAlive(): boolean {
    return this.state === "pending" || this.state === "running";
  }

  get agentOnline(): boolean {
    return this.state === "running" && this.agentConnected;
  }

  /** The agent registered with SSM at some boot: commands to it wait while it is away (ConnectionLost). */
  get agentRegistered(): boolean {
    return this.agentOnlineAt !== undefined;
  }

  /** Calls `fn` once the agent is Online again (at once when it is); returns a function that forgets it. */
  whenAgentOnline(fn: () => void): () => void {
    if (this.agentOnline) {
      fn();
      return () => undefined;
    }
    this.agentWaiters.add(fn);
    return () => this.agentWaiters.delete(fn);
  }

  /** A boot: a new boot id; user data at the first, the enabled units and per-boot scripts at every later one; the agent after agentDelayMs. */
  private boot(): void {
    this.boots += 1;
    this.bootId = randomUUID();
    const bootIdFile = join(this.sandbox.root, "proc/sys/kernel/random/boot_id");
    mkdirSync(dirname(bootIdFile), { recursive: true });
    writeFileSync(bootIdFile, `${this.bootId}\n`);
    if (this.boots === 1) this.runUserData();
    else this.runBootScript();
    const { settings, scheduler } = this.deps;
    if (settings.agentNeverOnline) return;
    const boot = this.boots;
    scheduler.after(settings.agentDelayMs, () => {
      if (this.state !== "running" || this.boots !== boot || this.rebooting) return;
      this.agentConnected = true;
      this.agentOnlineAt = new Date();
      const waiting = [...this.agentWaiters];
      this.agentWaiters.clear();
      for (const fn of waiting) fn();
    });
  }

  /**
   * The OS reboots (EC2 keeps the instance running): the agent loses its connection, every process
   * is killed, transient units and timers and the runtime state in VOLATILE are gone, and after
   * rebootDelayMs the next boot starts.
   */
  reboot(): void {
    if (this.state !== "running" || this.rebooting) return;
    this.rebooting = true;
    this.agentConnected = false;
    this.agentLostAt = new Date();
    this.cancelShutdown?.();
    this.cancelShutdown = undefined;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    void this.sandbox.killAll().then(() => {
      this.clearVolatile();
      this.deps.scheduler.after(this.deps.settings.rebootDelayMs, () => {
        this.rebooting = false;
        if (this.state === "running") this.boot();
      });
    });
  }

  private clearVolatile(): void {
    for (const path of VOLATILE) rmSync(join(this.sandbox.root, path), { recursive: true, force: true });
    for (const dir of EMPTIED)
      for (const name of entries(join(this.sandbox.root, dir)))
        rmSync(join(this.sandbox.root, dir, name), { recursive: true, force: true });
    rmSync(this.sandbox.tmp, { recursive: true, force: true });
    mkdirSync(this.sandbox.tmp, { recursive: true });
    // systemd's runtime state: no unit is active and no transient timer exists after a boot; enabled units stay enabled.
    const systemd = join(this.sandbox.root, "var/lib/stand-in/systemd");
    for (const name of entries(systemd)) if (!name.endsWith(".enabled")) rmSync(join(systemd, name), { force: true });
  }

  /** systemd starts every enabled unit and cloud-init runs its per-boot scripts (stand-in/instance-bin/lib/boot.sh). */
  private runBootScript(): void {
    const log = join(this.sandbox.root, "var/log/boot.log");
    mkdirSync(dirname(log), { recursive: true });
    const out = openSync(log, "a");
    this.sandbox.spawn([join(this.deps.instanceBin, "lib/boot.sh")], ["ignore", out, out]);
    closeSync(out);
  }

  /** cloud-init runs a user-data script (one starting with #!) as root at first boot. */
  private runUserData(): void {
    if (!this.spec.userData.startsWith("#!") || this.deps.settings.userDataNeverRuns) return;
    const script = join(this.sandbox.root, "var/lib/cloud/instance/user-data.txt");
    const log = join(this.sandbox.root, "var/log/cloud-init-output.log");
    mkdirSync(dirname(script), { recursive: true });
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(script, this.spec.userData, { mode: 0o700 });
    const out = openSync(log, "a");
    this.userDataExitCode = null;
    const child = this.sandbox.spawn([script], ["ignore", out, out]);
    closeSync(out);
    child.once("close", (code) => (this.userDataExitCode = code));
  }

  /**
   * The stubs append `shutdown <seconds>`, `reboot <seconds>`, `shutdown-cancel` or `timer <seconds>`.
   * A new `shutdown` or `reboot` replaces the pending one (as shutdown(8) does); systemd timers add up.
   */
  private readPowerSchedule(): void {
    const lines = readFileSync(this.sandbox.powerFile, "utf8").split("\n");
    lines.pop(); // Not yet a whole line.
    for (const line of lines.slice(this.powerLinesSeen)) {
      const [kind, seconds] = line.trim().split(/\s+/);
      const delayMs = (Number(seconds) / 60) * this.deps.ttlMinuteMs();
      if (kind === "shutdown-cancel" || kind === "shutdown" || kind === "reboot") {
        this.cancelShutdown?.();
        this.cancelShutdown = undefined;
      }
      if (kind === "shutdown") this.cancelShutdown = this.deps.scheduler.after(delayMs, () => this.powerOff());
      if (kind === "reboot") this.cancelShutdown = this.deps.scheduler.after(delayMs, () => this.reboot());
      if (kind === "timer") {
        const cancel = this.deps.scheduler.after(delayMs, () => {
          this.timers.delete(cancel);
          this.powerOff();
        });
        this.timers.add(cancel);
      }
    }
    this.powerLinesSeen = lines.length;
  }

  /** The OS powered itself off: InstanceInitiatedShutdownBehavior decides between stopped and terminated. */
  private powerOff(): void {
    if (this.state !== "running") return;
    if (this.spec.shutdownBehavior === "terminate") {
      this.terminate(INSTANCE_SHUTDOWN, "User initiated");
      return;
    }
    this.transition("stopping", INSTANCE_SHUTDOWN, "User initiated", "stopped");
  }

  /** A spot interruption: AWS reclaims the instance after the given delay. */
  interruptSpot(afterMs: number): void {
    if (this.spec.market !== "spot") throw new Error(`${this.id} is not a spot instance`);
    this.deps.scheduler.after(afterMs, () => {
      if (this.isAlive) this.terminate(SPOT_TERMINATION, "Service initiated");
    });
  }

  /** Returns the state before; terminating twice is harmless. */
  terminate(reason: StateReason = USER_SHUTDOWN, initiator = "User initiated"): InstanceStateName {
    const previous = this.state;
    if (previous !== "terminated" && previous !== "shutting-down") this.transition("shutting-down", reason, initiator, "terminated");
    return previous;
  }

  private transition(through: InstanceStateName, reason: StateReason, initiator: string, final: InstanceStateName): void {
    this.state = through;
    this.stateReason = reason;
    this.stateTransitionReason = `${initiator} (${new Date().toISOString().replace("T", " ").slice(0, 19)} GMT)`;
    this.cancelShutdown?.();
    this.leaveNetwork();
    void this.sandbox.killAll();
    this.deps.scheduler.after(this.deps.settings.shuttingDownMs, () => {
      this.state = final;
      if (final === "terminated") this.watcher.close();
    });
  }

  /**
   * What its /sys shows of its network, as on a Nitro instance: lo and one ENA interface, ens5,
   * with a MAC of its own and the VPC's jumbo MTU; launched with an EFA interface, also that
   * interface's RDMA device of the efa driver under /sys/class/infiniband, one per EFA interface (see efa.ts).
   */
  private writeNetworkDevices(): void {
    const net = join(this.sandbox.root, "sys/class/net");
    const n = stableHash(`${this.id}/mac`);
    const mac = ["0a", ...[24, 16, 8, 0].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, "0")), "01"].join(":");
    for (const [name, address, mtu, driver] of [
      ["lo", "00:00:00:00:00:00", "65536", undefined],
      ["ens5", mac, "9001", "ena"],
    ] as const) {
      mkdirSync(join(net, name, "device"), { recursive: true });
      writeFileSync(join(net, name, "address"), `${address}\n`);
      writeFileSync(join(net, name, "operstate"), name === "lo" ? "unknown\n" : "up\n");
      writeFileSync(join(net, name, "mtu"), `${mtu}\n`);
      if (driver) symlinkSync(`../../../../bus/pci/drivers/${driver}`, join(net, name, "device/driver"));
    }
    if (this.spec.efaInterfaces) writeEfaDevices(this.sandbox.root, this.spec.efaInterfaces);
  }

  /** Its private IP answers on the network (see InstanceDeps.networkDir) while it runs. */
  private joinNetwork(): void {
    mkdirSync(this.deps.networkDir, { recursive: true });
    rmSync(this.networkLink, { force: true });
    symlinkSync(this.sandbox.dir, this.networkLink);
  }

  private leaveNetwork(): void {
    rmSync(this.networkLink, { force: true });
  }

  private get networkLink(): string {
    return join(this.deps.networkDir, this.privateIp);
  }

  /** Stops everything the instance runs; for the stand-in's own shutdown. */
  async dispose(): Promise<void> {
    this.leaveNetwork();
    this.watcher.close();
    await this.sandbox.killAll();
  }
}

/** The names in a folder; none when it does not exist. */
function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
