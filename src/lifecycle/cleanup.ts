import type { Log } from "../runtime/log.js";

type Task = { name: string; fn: () => Promise<void> };

/**
 * Cleanup tasks run last-registered first, once, whether the run ended well, failed, or was
 * cancelled by a signal. A failing task does not stop the others; their errors are returned.
 */
export class CleanupStack {
  private readonly tasks: Task[] = [];
  private running: Promise<Error[]> | undefined;

  constructor(private readonly log: Log) {}

  push(name: string, fn: () => Promise<void>): void {
    this.tasks.push({ name, fn });
  }

  /** Idempotent: a second call (signal handler and finally) waits for the first. */
  run(): Promise<Error[]> {
    this.running ??= (async () => {
      const errors: Error[] = [];
      while (this.tasks.length > 0) {
        const task = this.tasks.pop()!;
        try {
          await task.fn();
        } catch (error) {
          const e = error instanceof Error ? error : new Error(String(error));
          this.log.error(`Cleanup '${task.name}' failed: ${e.message}`);
          errors.push(e);
        }
      }
      return errors;
    })();
    return this.running;
  }
}
