// Rewrites the Inputs and Outputs tables of README.md from action.yml (a test checks they agree).
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";

interface ActionYml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}

const cell = (s: string) => s.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();

export function inputsTable(action: ActionYml): string {
  return Object.entries(action.inputs)
    .map(([name, i]) => `| \`${name}\` | ${i.default ? `\`${cell(i.default)}\`` : ""} | ${cell(i.description)} |`)
    .join("\n");
}

export function outputsTable(action: ActionYml): string {
  return Object.entries(action.outputs)
    .map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`)
    .join("\n");
}

export function readAction(): ActionYml {
  return parse(readFileSync("action.yml", "utf8")) as ActionYml;
}

/** Replaces the rows of the table under a heading with new rows. */
export function replaceTable(readme: string, heading: string, rows: string): string {
  const start = readme.indexOf(`## ${heading}\n`);
  if (start < 0) throw new Error(`README has no '## ${heading}' section`);
  const lines = readme.slice(start).split("\n");
  const header = lines.findIndex((l) => l.startsWith("|---"));
  let end = header + 1;
  while (end < lines.length && (lines[end]!.startsWith("|") || /^[A-Z_]+_TABLE$/.test(lines[end]!))) end++;
  const rebuilt = [...lines.slice(0, header + 1), rows, ...lines.slice(end)].join("\n");
  return readme.slice(0, start) + rebuilt;
}

if (process.argv[1]?.endsWith("readme-tables.ts")) {
  const action = readAction();
  let readme = readFileSync("README.md", "utf8");
  readme = replaceTable(readme, "Inputs", inputsTable(action));
  readme = replaceTable(readme, "Outputs", outputsTable(action));
  writeFileSync("README.md", readme);
}
