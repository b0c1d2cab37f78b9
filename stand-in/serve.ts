/**
 * Runs the stand-in until SIGINT/SIGTERM and prints its environment as `export` lines:
 *   eval "$(npx tsx stand-in/serve.ts --bucket gpu-bench-evidence)"   (in one shell, or copy the lines)
 * The static-credential lines are for the default-credential-chain case.
 */
import { writeFileSync } from "node:fs";
import { startStandIn } from "./index.js";

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

const buckets: string[] = [];
let envFile: string | undefined;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--bucket" && args[i + 1]) buckets.push(args[++i]!);
  else if (args[i] === "--write-env" && args[i + 1]) envFile = args[++i]!;
  else {
    console.error("usage: serve.ts [--bucket NAME]... [--write-env PATH (KEY=VALUE lines, as GITHUB_ENV takes)]");
    process.exit(2);
  }
}

// By hand, TTL minutes last a real minute; STUB_* variables (e.g. STUB_LATENCY_SCALE) reach the instance.
const stubEnv = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith("STUB_") && e[1] !== undefined),
);
const standIn = await startStandIn({ buckets, faults: { ttlMinuteMs: 60_000 }, extraCommandEnv: stubEnv });
if (envFile) {
  writeFileSync(
    envFile,
    Object.entries({ ...standIn.env, ...standIn.staticCredentialsEnv() })
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
}
for (const [key, value] of Object.entries({ ...standIn.env, ...standIn.staticCredentialsEnv() })) {
  console.log(`export ${key}=${quote(value)}`);
}
console.error(`stand-in running${buckets.length ? ` with bucket(s) ${buckets.join(", ")}` : ""}; Ctrl-C stops it`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void standIn.stop().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
