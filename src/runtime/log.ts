/**
 * The engine's only way to talk to the person watching. The action backs it with @actions/core
 * (groups, annotations, masking); the CLI with plain stderr and its own masking.
 */
export interface Log {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Registers a value that must never appear in any log line from now on. */
  mask(secret: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

import { redactor } from "./redact.js";

/**
 * Runs one log group's work and reports its duration as the group's last line, so every ▶ phase
 * in the log says how long it took: "✓ launch: 12.3 s" or "✗ launch failed after 2.0 s".
 * `now` is the clock in milliseconds.
 */
export async function timed<T>(title: string, fn: () => Promise<T>, info: (line: string) => void, now: () => number): Promise<T> {
  const start = now();
  const seconds = () => ((now() - start) / 1000).toFixed(1);
  try {
    const value = await fn();
    info(`✓ ${title}: ${seconds()} s`);
    return value;
  } catch (error) {
    info(`✗ ${title} failed after ${seconds()} s`);
    throw error;
  }
}

/** Collects lines in memory; for tests and for quiet internal calls. */
export class MemoryLog implements Log {
  readonly lines: string[] = [];
  readonly masked = new Set<string>();
  info(message: string): void {
    this.lines.push(this.redact(message));
  }
  warning(message: string): void {
    this.lines.push(`warning: ${this.redact(message)}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${this.redact(message)}`);
  }
  debug(message: string): void {
    this.lines.push(`debug: ${this.redact(message)}`);
  }
  mask(secret: string): void {
    if (secret) this.masked.add(secret);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`[${title}]`);
    return fn();
  }
  private redact(message: string): string {
    return redactor(this.masked)(message);
  }
}
