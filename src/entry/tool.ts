import pkg from "../../package.json" with { type: "json" };

/** The product's name and version (package.json), in user agents and the results. */
export const TOOL = { name: "ephemeral-gpu-bench", version: pkg.version };
