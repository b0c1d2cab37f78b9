// Bundles the three entry points into dist/. With --check, builds into a temporary folder and
// fails when the committed dist/ differs, so CI catches a bundle that no longer matches the source.
import { build } from "esbuild";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const check = process.argv.includes("--check");
const outdir = check ? mkdtempSync(join(tmpdir(), "dist-check-")) : "dist";
const entries = ["main", "post", "cli"];
// Chunks of a former build must not linger (check-dist compares every file).
if (!check) rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: Object.fromEntries(entries.map((e) => [e, `src/${e}.ts`])),
  outdir,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Shared code goes into chunks (dist/chunks/), so each entry loads only what it imports: the post
  // step, which must always work, loads EC2, credentials, state and logging, not SSM, S3 or the
  // artifact client. Whitespace and syntax are minified; names are kept, for readable stack traces.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  minifyWhitespace: true,
  minifySyntax: true,
  // ES module builds where packages have them (the AWS SDK does): unused commands are left out.
  mainFields: ["module", "main"],
  legalComments: "none",
  logLevel: "warning",
  // Text assets (scripts that run on the instance, manifests) are bundled as strings.
  loader: { ".sh": "text", ".py": "text", ".yaml": "text", ".yml": "text" },
  banner: {
    // Some dependencies are CommonJS and call require(); give the ESM bundle one.
    js: "import { createRequire as __gpuBenchCreateRequire } from 'node:module'; const require = __gpuBenchCreateRequire(import.meta.url);",
  },
});

/** Every file under dir, chunks included, as paths relative to it. */
function files(dir, sub = "") {
  if (!existsSync(join(dir, sub))) return [];
  return readdirSync(join(dir, sub)).flatMap((name) =>
    statSync(join(dir, sub, name)).isDirectory() ? files(dir, join(sub, name)) : [join(sub, name)],
  );
}

if (check) {
  const stale = [];
  for (const file of files(outdir)) {
    const committed = join("dist", file);
    if (!existsSync(committed) || readFileSync(committed, "utf8") !== readFileSync(join(outdir, file), "utf8")) {
      stale.push(committed);
    }
  }
  for (const file of files("dist")) {
    if (!existsSync(join(outdir, file))) stale.push(`${join("dist", file)} (no longer built)`);
  }
  rmSync(outdir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`dist/ does not match the source: ${stale.join(", ")}. Run 'npm run build' and commit dist/.`);
    process.exit(1);
  }
  console.log("dist/ matches the source");
}
