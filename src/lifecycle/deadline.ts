import type { Clock } from "../runtime/clock.js";

export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/**
 * The run's own end, some minutes before the instance's TTL powers it off: every step's timeout
 * is cut to what remains, so the run stops with its evidence instead of being cut mid-step.
 */
export class Deadline {
  constructor(
    private readonly clock: Clock,
    readonly at: number,
    /** What the deadline is and its fix, for the error when no time is left. */
    private readonly what = "the run's deadline (ttl-minutes): raise 'ttl-minutes' or run less",
  ) {}

  remainingSeconds(): number {
    return Math.max(0, Math.floor((this.at - this.clock.now()) / 1000));
  }

  /** A step's timeout, cut to the time left; throws when none is left. */
  timeout(step: string, wantedSeconds: number): number {
    const left = this.remainingSeconds();
    if (left < 10) {
      throw new DeadlineError(`No time left for '${step}' before ${this.what}.`);
    }
    return Math.min(wantedSeconds, left);
  }
}
