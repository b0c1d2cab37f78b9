/** Marker that scripts on the instance put before each machine-readable line they print. */
export const JSON_LINE_MARKER = "GPU_BENCH_JSON ";

/** The JSON objects a remote script printed as marked lines, in order; other lines are ignored. */
export function parseJsonLines(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of stdout.split("\n")) {
    const at = line.indexOf(JSON_LINE_MARKER);
    if (at < 0) continue;
    try {
      const value: unknown = JSON.parse(line.slice(at + JSON_LINE_MARKER.length));
      if (value && typeof value === "object" && !Array.isArray(value)) out.push(value as Record<string, unknown>);
    } catch {
      // A garbled line (interleaved output) is skipped; the caller checks it got what it needs.
    }
  }
  return out;
}
