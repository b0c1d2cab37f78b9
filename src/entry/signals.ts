import type { Log } from "../runtime/log.js";

/** Signals that end a run the way a cancel does: the runner's, a closed terminal or dropped SSH (SIGHUP), Ctrl-\ (SIGQUIT). */
export const CANCEL_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/**
 * On cancel the runner sends SIGINT, SIGTERM 7.5 s later and SIGKILL 2.5 s after that. The
 * first signal aborts the run, which stops waiting and terminates the instance; later signals
 * are noted and ignored so that termination can finish. Whatever SIGKILL cuts short, the post
 * step (post-if: always()) finishes.
 */
export function onCancel(controller: AbortController, log: Log): void {
  const handle = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      log.warning(`Received ${signal}: cancelling the run and terminating the instance.`);
      controller.abort(new Error(`Cancelled by ${signal}`));
    } else {
      log.warning(`Received ${signal} again: still terminating the instance.`);
    }
  };
  for (const signal of CANCEL_SIGNALS) process.on(signal, handle);
}
