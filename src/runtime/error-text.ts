/** The first line of an error's message: what logs, phases and the report show in one line. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

/** At most this many lines of an error after its first are kept in the results (`outcome.detail`). */
export const MAX_DETAIL_LINES = 40;

/**
 * `{ detail }`: the lines of an error's message after its first (errorLine's), blank lines
 * dropped, at most MAX_DETAIL_LINES of them; `{}` for a one-line error.
 */
export function errorDetail(error: unknown): { detail?: string } {
  const message = error instanceof Error ? error.message : String(error);
  const rest = message
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "");
  if (rest.length === 0) return {};
  const kept = rest.slice(0, MAX_DETAIL_LINES);
  if (rest.length > kept.length) kept.push(`… ${rest.length - kept.length} more line(s) in the run's log`);
  return { detail: kept.join("\n") };
}
