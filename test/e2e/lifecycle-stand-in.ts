import { afterAll, beforeAll, beforeEach } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { startLifecycleStandIn } from "./chaos-runner.js";

/**
 * One lifecycle stand-in per test file: started before the file's tests, stopped after them, its
 * faults reset before each test (hanging commands meet their executionTimeout in a fiftieth of the
 * time). `set` receives it once started.
 */
export function useLifecycleStandIn(set: (standIn: StandIn) => void): void {
  let standIn: StandIn | undefined;
  beforeAll(async () => {
    standIn = await startLifecycleStandIn();
    set(standIn);
  });
  afterAll(async () => {
    await standIn?.stop();
  });
  beforeEach(() => {
    standIn!.faults.reset();
    standIn!.faults.executionSecondMs = 20;
  });
}
