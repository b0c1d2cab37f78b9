import { RemoteScriptError, lastLines, type RunRemote } from "../cloud/remote-script.js";
import { errorLine } from "../runtime/error-text.js";
import { diagnosticsSh } from "./scripts.js";

export interface NodeDiagnostics {
  /** Everything the diagnostics script printed, for the archive next to the evidence. */
  text: string;
  /** The decisive part for the report: failing pods with their last log lines, Xid errors, the k3s journal's end. */
  tail: string;
}

const SUMMARY_MARKER = "===== summary =====";
const TAIL_CHARS = 4000;

/**
 * Collects what shows why a node is not ready. Never throws: a failure to collect is itself
 * reported as the diagnostics, since this runs when something has already gone wrong.
 */
export async function collectDiagnostics(remote: RunRemote): Promise<NodeDiagnostics> {
  let text: string;
  try {
    const result = await remote({ name: "node-diagnostics", body: diagnosticsSh, timeoutSeconds: 300 });
    text = result.stdout;
  } catch (error) {
    text =
      error instanceof RemoteScriptError
        ? `${error.result.stdout}\n(diagnostics script ended ${error.result.status}: ${lastLines(error.result.stderr, 5)})`
        : `Diagnostics could not be collected from the instance: ${errorLine(error)}`;
  }
  return { text, tail: decisiveTail(text) };
}

export function decisiveTail(text: string): string {
  const at = text.lastIndexOf(SUMMARY_MARKER);
  const tail = at >= 0 ? text.slice(at + SUMMARY_MARKER.length).trim() : lastLines(text, 40);
  return tail.length > TAIL_CHARS ? `…${tail.slice(-TAIL_CHARS)}` : tail;
}
