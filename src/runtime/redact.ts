/**
 * The last pass over everything written: the logs, and the evidence (summary, files, S3 objects, annotations).
 * Known secrets are replaced wherever they appear, also in the escaped forms JSON gives them, and
 * a few credential shapes are replaced even when nobody registered them.
 */

export const REDACTED = "***";

// No leading \b: in JSON text a credential may follow an escape such as \n.
const CREDENTIAL_SHAPES: RegExp[] = [
  /(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /hf_[A-Za-z0-9]{30,}\b/g,
  /gh[pousr]_[A-Za-z0-9]{36,}\b/g,
  /github_pat_[A-Za-z0-9_]{40,}\b/g,
  /((?:aws_secret_access_key|aws_session_token|secretaccesskey|sessiontoken)["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{20,}/gi,
];

export type Redact = (text: string) => string;

export function redactor(secrets: Iterable<string>): Redact {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    // A multi-line secret is masked line by line, as the runner does.
    for (const piece of [secret, ...secret.split(/\r?\n/)]) {
      const trimmed = piece.trim();
      if (trimmed.length === 0) continue;
      needles.add(trimmed);
      needles.add(JSON.stringify(trimmed).slice(1, -1));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const needle of ordered) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    for (const shape of CREDENTIAL_SHAPES)
      out = out.replace(shape, (match, prefix?: unknown) =>
        typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
      );
    return out;
  };
}

/** The same value with every string in it (keys too) redacted: what flows on is clean by construction. */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)])) as T;
  }
  return value;
}
