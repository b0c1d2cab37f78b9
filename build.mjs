// Bundles the three entry points into dist/. With --check, builds into a temporary folder and
// fails when the committed dist/ differs, so CI catches a bundle that no longer matches the source.
import { build } from "esbuild";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const check = process.argv.includes("--check");
const outdir = check ? mkdtempSync(join(tmpdir(), "dist-check-")) : "dist";
const entries = ["main", "post", "cli"];

await build({
  entryPoints: Object.fromEntries(entries.map((e) => [e, `src/${e}.ts`])),
  outdir,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  legalComments: "none",
  logLevel: "warning",
  // Text assets (scripts that run on the instance, manifests) are bundled as strings.
  loader: { ".sh": "text", ".py": "text", ".yaml": "text" },
  banner: {
    // Some dependencies are CommonJS and call require(); give the ESM bundle one.
    js: "import { createRequire as __gpuBenchCreateRequire } from 'node:module'; const require = __gpuBenchCreateRequire(import.meta.url);",
  },
});

if (check) {
  const stale = [];
  for (const file of readdirSync(outdir)) {
    const committed = join("dist", file);
    if (!existsSync(committed) || readFileSync(committed, "utf8") !== readFileSync(join(outdir, file), "utf8")) {
      stale.push(committed);
    }
  }
  for (const file of existsSync("dist") ? readdirSync("dist") : []) {
    if (!existsSync(join(outdir, file))) stale.push(`${join("dist", file)} (no longer built)`);
  }
  rmSync(outdir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`dist/ does not match the source: ${stale.join(", ")}. Run 'npm run build' and commit dist/.`);
    process.exit(1);
  }
  console.log("dist/ matches the source");
}
