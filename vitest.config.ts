import { readFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vitest/config";

/** Imports of remote/ assets give their text, as esbuild's "text" loader does in the bundles. */
function textAssets(): Plugin {
  return {
    name: "text-assets",
    enforce: "pre",
    load(id) {
      if (/\.(sh|py|ya?ml)$/.test(id)) return `export default ${JSON.stringify(readFileSync(id, "utf8"))};`;
      return null;
    },
  };
}

export default defineConfig({
  plugins: [textAssets()],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Four files at a time on two cores: the end-to-end and fault files spend most of their time
    // waiting on the stand-in's latency model and real-time fault windows (a full run used ~290 CPU-s
    // against ~1,460 s of file time), so two workers left the cores mostly idle.
    maxWorkers: 4,
  },
});
