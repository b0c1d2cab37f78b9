/** The knobs a test turns to make the stand-in misbehave the way AWS does. Every delay is in ms. */

export type CapacityErrorCode =
  | "InsufficientInstanceCapacity"
  | "InsufficientCapacity"
  | "Unsupported"
  | "InstanceLimitExceeded"
  | "VcpuLimitExceeded"
  | "MaxSpotInstanceCountExceeded"
  | "SpotMaxPriceTooLow"
  | "InsufficientFreeAddressesInSubnet";

export type Market = "on-demand" | "spot";

export interface CapacityFault {
  code: CapacityErrorCode;
  /** Any instance type when absent. */
  instanceType?: string;
  /** Any Availability Zone when absent. */
  az?: string;
  /** Any market when absent. */
  market?: Market;
  /** How many launches fail; every matching launch when absent. */
  times?: number;
}

/** Launched instances that die on their way to running (Server.InsufficientInstanceCapacity). */
export interface BootLossFault {
  remaining: number;
  /** Any instance type when absent. */
  instanceType?: string;
  /** Any Availability Zone when absent. */
  az?: string;
}

export interface ThrottleFault {
  remaining: number;
  service?: "ec2" | "ssm";
  action?: string;
}

export interface HangFault {
  remaining: number;
  instanceId?: string;
  /** Only commands whose script contains this text. */
  scriptIncludes?: string;
}

/** How SSM reports a command that never ran to completion on the agent (GetCommandInvocation's StatusDetails). */
export type UndeliveredDetails = "Undeliverable" | "DeliveryTimedOut" | "Terminated" | "InvalidPlatform" | "AccessDenied";

export interface DeliveryFault extends HangFault {
  details: UndeliveredDetails;
}

/** An AssumeRoleWithWebIdentity answer STS gives instead of credentials. */
export interface StsFault {
  remaining: number;
  code: string;
  message: string;
  httpStatus: number;
}

export type S3Operation = "PutObject" | "GetObject";
export type S3FaultCode = "InternalError" | "SlowDown";

export interface S3Fault {
  remaining: number;
  operation: S3Operation;
  code: S3FaultCode;
}

export interface FaultSettings {
  /** pending → running. */
  bootDelayMs: number;
  /** running → SSM agent Online (at every boot). */
  agentDelayMs: number;
  /** An OS reboot: its processes are killed → the next boot starts (systemd, cloud-init, then the agent after agentDelayMs). */
  rebootDelayMs: number;
  /** Instances launched while set never register with SSM. */
  agentNeverOnline: boolean;
  /** Instances launched while set never run their user data (a custom AMI without cloud-init, or one that failed). */
  userDataNeverRuns: boolean;
  /** How long DescribeInstances does not know a new instance. */
  describeLagMs: number;
  /** How long GetCommandInvocation answers InvocationDoesNotExist after SendCommand. */
  invocationLagMs: number;
  /** shutting-down → terminated, stopping → stopped. */
  shuttingDownMs: number;
  /** Milliseconds per minute of a scheduled poweroff (`shutdown -P +30`). */
  ttlMinuteMs: number;
  /** Milliseconds per second of an SSM executionTimeout. */
  executionSecondMs: number;
  /** Lifetime of STS credentials; DurationSeconds decides when absent. */
  credentialLifetimeMs: number | undefined;
  /** Lifetime of OIDC tokens the stand-in issues. */
  oidcTokenLifetimeMs: number;
  /** Spot instances launched while set are interrupted this long after running. */
  spotInterruptAfterMs: number | undefined;
}

export const DEFAULT_FAULT_SETTINGS: Readonly<FaultSettings> = {
  bootDelayMs: 150,
  agentDelayMs: 150,
  rebootDelayMs: 500,
  agentNeverOnline: false,
  userDataNeverRuns: false,
  describeLagMs: 100,
  invocationLagMs: 300,
  shuttingDownMs: 100,
  ttlMinuteMs: 1000,
  executionSecondMs: 1000,
  credentialLifetimeMs: undefined,
  oidcTokenLifetimeMs: 300_000,
  spotInterruptAfterMs: undefined,
};

export class Faults implements FaultSettings {
  bootDelayMs!: number;
  agentDelayMs!: number;
  rebootDelayMs!: number;
  agentNeverOnline!: boolean;
  userDataNeverRuns!: boolean;
  describeLagMs!: number;
  invocationLagMs!: number;
  shuttingDownMs!: number;
  ttlMinuteMs!: number;
  executionSecondMs!: number;
  credentialLifetimeMs!: number | undefined;
  oidcTokenLifetimeMs!: number;
  spotInterruptAfterMs!: number | undefined;

  capacity: CapacityFault[] = [];
  bootLosses: BootLossFault[] = [];
  throttles: ThrottleFault[] = [];
  hangs: HangFault[] = [];
  failures: HangFault[] = [];
  deliveries: DeliveryFault[] = [];
  sts: StsFault[] = [];
  s3: S3Fault[] = [];
  /** GetProducts answers AccessDeniedException, as for a role without pricing:GetProducts. */
  denyPriceList = false;
  /** DescribeSpotPriceHistory answers UnauthorizedOperation, as for a role without ec2:DescribeSpotPriceHistory. */
  denySpotPriceHistory = false;
  /** Multiplies every spot price DescribeSpotPriceHistory answers: a price that jumps during a run. */
  spotPriceScale = 1;

  constructor(private readonly initial: Partial<FaultSettings> = {}) {
    this.reset();
  }

  /** Back to the settings the stand-in started with, and no pending faults. */
  reset(): void {
    Object.assign(this, DEFAULT_FAULT_SETTINGS, this.initial);
    this.capacity = [];
    this.bootLosses = [];
    this.throttles = [];
    this.hangs = [];
    this.failures = [];
    this.deliveries = [];
    this.sts = [];
    this.s3 = [];
    this.denyPriceList = false;
    this.denySpotPriceHistory = false;
    this.spotPriceScale = 1;
  }

  /** The current settings, detached: what an instance keeps from its launch. */
  settings(): FaultSettings {
    const keys = Object.keys(DEFAULT_FAULT_SETTINGS) as Array<keyof FaultSettings>;
    return Object.fromEntries(keys.map((k) => [k, this[k]])) as unknown as FaultSettings;
  }

  failCapacity(fault: CapacityFault): void {
    this.capacity.push({ ...fault });
  }

  /**
   * The next `count` instances launched (of a type, in a zone, if named) are accepted by RunInstances
   * but end terminated on their way to running with Server.InsufficientInstanceCapacity, as EC2 does
   * when the capacity behind an accepted launch is gone: part of a multi-instance launch can fall short.
   */
  loseOnBoot(count: number, where: { instanceType?: string; az?: string } = {}): void {
    this.bootLosses.push({ remaining: count, ...where });
  }

  takeBootLoss(instanceType: string, az: string): boolean {
    return take(this.bootLosses, (f) => (f.instanceType ?? instanceType) === instanceType && (f.az ?? az) === az) !== undefined;
  }

  /** The next `count` EC2/SSM calls (of one service or action, if named) are throttled. */
  throttle(count: number, where: { service?: "ec2" | "ssm"; action?: string } = {}): void {
    this.throttles.push({ remaining: count, ...where });
  }

  /** The next `count` commands (on one instance, or containing a text, if named) hang until their executionTimeout. */
  hangCommands(count: number, where: { instanceId?: string; scriptIncludes?: string } = {}): void {
    this.hangs.push({ remaining: count, ...where });
  }

  /** The next `count` commands (on one instance, or containing a text, if named) exit 70 at once. */
  failCommands(count: number, where: { instanceId?: string; scriptIncludes?: string } = {}): void {
    this.failures.push({ remaining: count, ...where });
  }

  /**
   * The next `count` commands (on one instance, or containing a text, if named) never run: SSM
   * ends them with these StatusDetails and ResponseCode -1, without output, as it does for an agent
   * in ConnectionLost (Undeliverable, DeliveryTimedOut) or a refused command.
   */
  failDelivery(count: number, details: UndeliveredDetails, where: { instanceId?: string; scriptIncludes?: string } = {}): void {
    this.deliveries.push({ remaining: count, details, ...where });
  }

  /**
   * The next `count` AssumeRoleWithWebIdentity calls fail with this error, e.g. InvalidIdentityToken
   * "Couldn't retrieve verification key from your identity provider…" (400) when STS could not
   * fetch GitHub's signing keys in time, or IDPCommunicationError.
   */
  failWebIdentity(count: number, code: string, message: string, httpStatus = 400): void {
    this.sts.push({ remaining: count, code, message, httpStatus });
  }

  takeStsFault(): StsFault | undefined {
    return take(this.sts, () => true);
  }

  failS3(count: number, operation: S3Operation, code: S3FaultCode = "InternalError"): void {
    this.s3.push({ remaining: count, operation, code });
  }

  takeCapacity(instanceType: string, az: string, market: Market): CapacityFault | undefined {
    const fault = this.capacity.find(
      (f) =>
        (f.instanceType === undefined || f.instanceType === instanceType) &&
        (f.az === undefined || f.az === az) &&
        (f.market === undefined || f.market === market),
    );
    if (fault?.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.capacity = this.capacity.filter((f) => f !== fault);
    }
    return fault;
  }

  takeThrottle(service: "ec2" | "ssm", action: string): boolean {
    return take(this.throttles, (f) => (f.service ?? service) === service && (f.action ?? action) === action) !== undefined;
  }

  takeHang(instanceId: string, script: string): boolean {
    return take(this.hangs, (f) => (f.instanceId ?? instanceId) === instanceId && script.includes(f.scriptIncludes ?? "")) !== undefined;
  }

  takeDeliveryFault(instanceId: string, script: string): UndeliveredDetails | undefined {
    return take(this.deliveries, (f) => (f.instanceId ?? instanceId) === instanceId && script.includes(f.scriptIncludes ?? ""))?.details;
  }

  takeFailure(instanceId: string, script: string): boolean {
    return take(this.failures, (f) => (f.instanceId ?? instanceId) === instanceId && script.includes(f.scriptIncludes ?? "")) !== undefined;
  }

  takeS3(operation: S3Operation): S3FaultCode | undefined {
    return take(this.s3, (f) => f.operation === operation)?.code;
  }
}

function take<T extends { remaining: number }>(faults: T[], matches: (fault: T) => boolean): T | undefined {
  const index = faults.findIndex(matches);
  const fault = faults[index];
  if (fault && --fault.remaining <= 0) faults.splice(index, 1);
  return fault;
}
