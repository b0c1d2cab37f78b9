/** Deterministic text formatting for the report (no locale: the same bytes on every runner). */

export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 || abs === 0 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(abs)));
  const [int = "", frac] = value.toFixed(digits).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac !== undefined ? `${grouped}.${frac}` : grouped;
}

/** Up to six significant digits, no trailing zeros: request rates, clocks, prices. */
export function compactNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  return String(Number(value.toPrecision(6)));
}

export function signedPercent(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return "n/a";
  const fixed = value.toFixed(digits);
  if (/^-0\.?0*$/.test(fixed)) return `+${fixed.slice(1)}%`;
  return fixed.startsWith("-") ? `${fixed}%` : `+${fixed}%`;
}

export function percent(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? "n/a" : `${value.toFixed(digits)}%`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 3600) return `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, "0")}s`;
  return `${Math.floor(total / 3600)}h ${String(Math.floor((total % 3600) / 60)).padStart(2, "0")}m`;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  return Number.isFinite(ms)
    ? new Date(ms)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d{3}Z$/, "Z")
    : iso;
}

export function secondsBetween(startIso: string, endIso: string): number | undefined {
  const d = (Date.parse(endIso) - Date.parse(startIso)) / 1000;
  return Number.isFinite(d) ? d : undefined;
}

/**
 * Text for a table cell or a line of prose: one line, no pipes or HTML that could break the table,
 * and no Markdown of its own. Emphasis, code, links, images, strikethrough and autolinks are
 * backslash-escaped, so text from the node (an error tail, a model name) renders as the characters
 * it holds and cannot forge a link, an image or a bold "✅ pass".
 */
export function cell(text: string | number | boolean | undefined): string {
  if (text === undefined || text === "") return "—";
  return String(text)
    .replace(/\s*[\r\n]+\s*/g, " ")
    .trim()
    .replace(/[\\`*_[\]~]|^[#+-]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/:\/\//g, "\\://")
    .replace(/\b(www)\./gi, "$1\\.");
}

/** Inline code that survives backticks inside the value. */
export function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${ticks}${pad}${clean.replace(/\|/g, "\\|")}${pad}${ticks}`;
}

/** A fenced block whose fence no line of the content can close. */
export function fenced(text: string, info = "text"): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${info}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

/** A table of timed steps (the run's phases, a platform's steps): name, start (UTC), duration, status, detail. */
export function stepsTable(
  first: string,
  steps: readonly { name: string; startedAt: string; endedAt: string; status: string; detail?: string }[],
): string {
  return table(
    [first, "Start (UTC)", "Duration", "Status", "Detail"],
    steps.map((s) => [
      cell(s.name),
      formatTime(s.startedAt),
      formatDuration(secondsBetween(s.startedAt, s.endedAt)),
      s.status,
      cell(s.detail),
    ]),
  );
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** The first `maxBytes` bytes of text, never splitting a character. */
export function headBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= maxBytes) return text;
  return buf
    .subarray(0, Math.max(0, maxBytes))
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
}

/** The last `maxBytes` bytes of text, never splitting a character. */
export function tailBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= maxBytes) return text;
  return buf
    .subarray(buf.length - Math.max(0, maxBytes))
    .toString("utf8")
    .replace(/^\uFFFD+/, "");
}
