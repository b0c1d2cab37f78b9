import type { Clock } from "./clock.js";
import { errorLine } from "./error-text.js";
import type { Phase } from "../evidence/results.js";

/**
 * Records when each phase of the run started and ended, for the evidence timeline and the
 * performance figures. Phases may overlap (image pulls run beside the device plugin rollout).
 */
export class PhaseRecorder {
  private readonly phases: Phase[] = [];
  constructor(private readonly clock: Clock) {}

  async time<T>(name: string, fn: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> {
    const startedAt = new Date(this.clock.now()).toISOString();
    try {
      const value = await fn();
      this.phases.push({ name, startedAt, endedAt: this.stamp(), status: "ok", detail: detail?.(value) });
      return value;
    } catch (error) {
      this.phases.push({ name, startedAt, endedAt: this.stamp(), status: "failed", detail: errorLine(error) });
      throw error;
    }
  }

  /** Adds a phase measured elsewhere (on the instance, say) from its own timestamps. */
  record(phase: Phase): void {
    this.phases.push(phase);
  }

  /** Marks a point in time as a zero-length phase (e.g. "launch requested"). */
  mark(name: string, detail?: string): void {
    const at = this.stamp();
    this.phases.push({ name, startedAt: at, endedAt: at, status: "ok", detail });
  }

  list(): Phase[] {
    return [...this.phases].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  private stamp(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
