import { existsSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { InputError, type PlatformPreset } from "../config/inputs.js";
import { Inputs, type InputName } from "../config/names.js";
import { parsePlatformDescription, PlatformConfigError, type PlatformDescription } from "../platform/description.js";
import { RADIX } from "../platform/radix.js";

// Files in the checkout that inputs name (suite, baseline-file, platform-config, ...): kept apart
// from execute.ts so the post step, which loads little, can read platform-config too.

/**
 * The absolute path of `path` (an input naming a file in the checkout) after following symbolic
 * links; an InputError naming the input when it lands outside the workspace. A missing file is
 * returned as resolved, for its reader to report.
 */
export function insideWorkspace(workspace: string, path: string, input: InputName): string {
  const root = existsSync(workspace) ? realpathSync(workspace) : resolve(workspace);
  const full = resolve(root, path);
  const real = existsSync(full) ? realpathSync(full) : full;
  const rel = relative(root, real);
  if (isAbsolute(path) || rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InputError([
      `'${input}' names '${path}', which is outside the workspace ${root}; give a path of a file inside the repository`,
    ]);
  }
  return real;
}

/**
 * The text (UTF-8) of the file at `full` that `input` names as `given`; throws an InputError naming
 * the input, the path and the error code when it cannot be read.
 */
export function readInputFile(input: string, given: string, full: string): string {
  try {
    return readFileSync(full, "utf8");
  } catch (error) {
    throw new InputError([
      `'${input}' names '${given}', which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); give a path relative to the repository root`,
    ]);
  }
}

/**
 * The platform's API description: radix's, or platform-config's file (in the checkout), read and
 * checked before anything is spent. Throws InputError naming each bad field and the fix.
 */
export function describePlatform(preset: PlatformPreset, workspace: string): PlatformDescription {
  if (preset.kind === "radix") return RADIX;
  const full = insideWorkspace(workspace, preset.configPath, Inputs.platformConfig);
  const text = readInputFile(Inputs.platformConfig, preset.configPath, full);
  try {
    return parsePlatformDescription(text, `'${Inputs.platformConfig}' (${preset.configPath})`);
  } catch (error) {
    if (error instanceof PlatformConfigError) throw new InputError(error.problems);
    throw error;
  }
}
