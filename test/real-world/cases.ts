import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real-world cases (../shared/cases/real-world/ beside the repository: inputs rebuilt from public
 * bug reports, each with its right behaviour). They are copied into test/fixtures/real-world/ so the
 * tests run in any checkout; copies.test.ts checks the copies against the originals where they exist.
 */
export const CASES_DIR = fileURLToPath(new URL("../fixtures/real-world/", import.meta.url));

export function caseText(name: string): string {
  return readFileSync(join(CASES_DIR, name), "utf8");
}

export function caseJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(caseText(name)) as T;
}

/**
 * The shared folder's copy of the cases: `<clone>/../shared/cases/real-world`. A git worktree lives
 * elsewhere, so the clone is found from git's common directory (`<clone>/.git`), not from this file.
 */
export function sharedCasesDir(): string | undefined {
  const candidates = [resolve(CASES_DIR, "../../../../shared/cases/real-world")];
  try {
    const common = execFileSync("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], {
      cwd: CASES_DIR,
      encoding: "utf8",
    }).trim();
    candidates.push(resolve(dirname(common), "../shared/cases/real-world"));
  } catch {
    // Not a git checkout (an unpacked tarball): only the folder beside it can hold the originals.
  }
  return candidates.find((dir) => existsSync(join(dir, "README.md")));
}

/** Every case file (the README aside). */
export function caseFiles(dir = CASES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f !== "README.md")
    .sort();
}

/** A "# exit: N" line in a stub file's header: the exit status the command gives. */
export function stubExit(text: string): number {
  const m = /^# exit: (\d+)$/m.exec(text);
  if (!m) throw new Error("the case file has no '# exit: N' line");
  return Number(m[1]);
}

/** A stub file's output: its lines that are not '#' comments. */
export function stubOutput(text: string): string {
  return text
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .join("\n");
}

/** A stub file in sections: "# [name] exit: N" (or "# [name]") headers, each followed by that command's output. */
export function stubSections(text: string): Map<string, { exit: number; output: string }> {
  const sections = new Map<string, { exit: number; output: string }>();
  let current: { exit: number; lines: string[] } | undefined;
  const done: Array<[string, { exit: number; lines: string[] }]> = [];
  for (const line of text.split("\n")) {
    const header = /^# \[([\w-]+)\](?: exit: (\d+))?$/.exec(line);
    if (header) {
      current = { exit: Number(header[2] ?? 0), lines: [] };
      done.push([header[1]!, current]);
    } else if (current && !line.startsWith("#")) {
      current.lines.push(line);
    }
  }
  for (const [name, s] of done) sections.set(name, { exit: s.exit, output: s.lines.join("\n").replace(/\n+$/, "") });
  return sections;
}
