// Randomized lifecycles against the stand-in, with faults and kills at random points, fake secrets
// planted in the OIDC token and the STS credentials (and, in platform lifecycles, a Cognito password,
// client secret and the onboarding tokens; a platform cluster left counts as leaked). Last line:
//   lifecycles: N, leaked: N, over-terminated: N, secrets-in-logs: N
// Exits non-zero on any leak, over-termination or visible secret.
// Usage: npm run chaos -- --runs 200 --seed 1 [--slots 4]
import { parseArgs } from "node:util";
import { FAULTS, KILLS, runChaos, scenarios } from "../test/e2e/chaos-runner.js";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "200" }, seed: { type: "string", default: "1" }, slots: { type: "string", default: "4" } },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
const list = scenarios(runs, seed);
const started = Date.now();
let done = 0;
const summary = await runChaos(list, Number(values.slots), (o) => {
  done++;
  const bad = o.leaked.length > 0 || o.overTerminated.length > 0 || o.secretsSeen.length > 0;
  if (bad || done % 20 === 0) {
    process.stderr.write(
      `${done}/${runs}${bad ? ` BAD #${o.scenario.index} ${o.scenario.fault}/${o.scenario.kill}@${o.scenario.killAfterMs}ms: leaked ${o.leaked.join(",") || "-"}, over-terminated ${o.overTerminated.join(",") || "-"}, secrets ${o.secretsSeen.length}` : ""}\n`,
    );
  }
});

console.log(`seed ${seed}, ${runs} lifecycles in ${Math.round((Date.now() - started) / 1000)} s\n`);
console.log("| fault | kill | lifecycles | main exit codes | leaked | over-terminated | secrets seen | median s |");
console.log("|---|---|---|---|---|---|---|---|");
for (const fault of FAULTS) {
  for (const kill of KILLS) {
    const group = summary.outcomes.filter((o) => o.scenario.fault === fault && o.scenario.kill === kill);
    if (group.length === 0) continue;
    const exits = [...new Set(group.map((o) => o.mainExit))].join(" ");
    const ms = group.map((o) => o.ms).sort((a, b) => a - b);
    const leaked = group.reduce((n, o) => n + o.leaked.length, 0);
    const over = group.reduce((n, o) => n + o.overTerminated.length, 0);
    const secrets = group.reduce((n, o) => n + o.secretsSeen.length, 0);
    console.log(
      `| ${fault} | ${kill} | ${group.length} | ${exits} | ${leaked} | ${over} | ${secrets} | ${(ms[Math.floor(ms.length / 2)]! / 1000).toFixed(1)} |`,
    );
  }
}
console.log(
  `\nlifecycles: ${summary.lifecycles}, leaked: ${summary.leaked}, over-terminated: ${summary.overTerminated}, secrets-in-logs: ${summary.secretsInLogs}`,
);
process.exitCode = summary.leaked > 0 || summary.overTerminated > 0 || summary.secretsInLogs > 0 ? 1 : 0;
