import type { Clock } from "../../src/runtime/clock.js";

/** A clock whose sleeps return at once and advance its time: retry and poll tests do not wait. */
export function instantClock(start = Date.parse("2026-11-23T10:00:00Z")): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** An AWS SDK-shaped error (the SDK sets `name` to the service's error code). */
export function awsError(code: string, message = code): Error {
  return Object.assign(new Error(message), { name: code, $metadata: {} });
}
