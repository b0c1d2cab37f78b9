// Registers a module hook so `tsx --import ./scripts/text-assets.mjs` imports remote/ assets
// (*.sh, *.py, *.yaml) as their text, like esbuild's "text" loader does in the bundles.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
      import { readFile } from "node:fs/promises";
      export async function load(url, context, next) {
        if (/\\.(sh|py|ya?ml)$/.test(new URL(url).pathname)) {
          const text = await readFile(new URL(url), "utf8");
          return { format: "module", source: "export default " + JSON.stringify(text) + ";", shortCircuit: true };
        }
        return next(url, context);
      }
    `),
  import.meta.url,
);
