import type { Clock } from "../runtime/clock.js";

export interface RetryOptions {
  clock: Clock;
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Only errors this returns true for are retried; the rest are thrown at once. */
  retryable: (error: unknown) => boolean;
  random?: () => number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * The retry most single EC2 calls use: 5 attempts, full-jitter backoff from 500 ms to 8 s (at most
 * about 15 s of waiting), retrying only throttling and AWS internal errors.
 */
export function awsCallRetry(clock: Clock, onRetry?: RetryOptions["onRetry"]): RetryOptions {
  return { clock, attempts: 5, baseMs: 500, maxMs: 8000, retryable: isThrottlingOrInternal, onRetry };
}

/** Full-jitter exponential backoff: delay = random(0, min(max, base * 2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Polls start short and back off to a cap: quick when things are quick, few calls when they are slow. */
export class Backoff {
  private delay: number;
  constructor(
    private readonly firstMs = 250,
    private readonly capMs = 5000,
    private readonly factor = 1.6,
  ) {
    this.delay = firstMs;
  }
  next(): number {
    const d = this.delay;
    this.delay = Math.min(this.capMs, Math.round(this.delay * this.factor));
    return d;
  }
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= options.attempts || !options.retryable(error)) throw error;
      const delay = backoffDelay(attempt, options.baseMs, options.maxMs, options.random);
      options.onRetry?.(error, attempt + 1, delay);
      await options.clock.sleep(delay);
    }
  }
}

/** Name of an AWS SDK error (its `name`, which the SDK sets to the service's error code). */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null) {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.Code, e.code, e.name]) if (typeof v === "string" && v !== "Error") return v;
  }
  return undefined;
}

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ThrottledException",
  "RequestThrottled",
  "SlowDown",
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "Unavailable",
]);

export function isThrottlingOrInternal(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && THROTTLING.has(code);
}
