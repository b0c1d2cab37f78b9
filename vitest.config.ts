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
    // Two cores: end-to-end files spawn processes of their own.
    maxWorkers: 2,
  },
});
