import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bootstrapNode, NodeBootstrapError } from "../../src/node/bootstrap.js";
import { nodeSandbox, type NodeSandbox } from "./node-sandbox.js";

let sandbox: NodeSandbox | undefined;
afterEach(() => sandbox?.dispose());

/** Every file under dir whose name starts with PWNED: what an injected command would leave. */
function planted(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name.startsWith("PWNED")) found.push(path);
    else if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) found.push(...planted(path));
  }
  return found;
}

const HOSTILE = [
  "with space",
  `it's "quoted"`,
  "$(touch PWNED1)",
  "`touch PWNED2`",
  "a; touch PWNED3",
  "a && touch PWNED4 #",
  "$HOME ${PATH} *",
  "line\nbreak",
  "-e",
  "",
];

describe("values sent to the instance reach the script verbatim and execute nothing", () => {
  it("as arguments and environment variables of a remote script", async () => {
    sandbox = nodeSandbox();
    const body = `#!/usr/bin/env bash\nset -euo pipefail\nfor a in "$@"; do printf '%s\\0' "$a"; done\nprintf '%s\\0' "$PROBE_A" "$PROBE_B"\n`;
    const result = await sandbox.remote({
      name: "quoting-probe",
      body,
      args: HOSTILE,
      env: { PROBE_A: HOSTILE[2]!, PROBE_B: HOSTILE[4]! },
      timeoutSeconds: 30,
    });

    expect(result.stdout.split("\0").slice(0, -1)).toEqual([...HOSTILE, HOSTILE[2], HOSTILE[4]]);
    expect(planted(sandbox.dir)).toEqual([]);
  });

  it("through the whole bootstrap: image references come back in the inventory exactly as given", async () => {
    sandbox = nodeSandbox();
    // Image references cannot hold white space; everything else is tried.
    const images = ["registry.example/evil:$(touch${IFS}PWNED5)", "x;touch${IFS}PWNED6", `q'uo"te:1`, "`touch${IFS}PWNED7`:2", "a|b&c>d"];
    const node = await bootstrapNode(sandbox.remote, { images, clock: sandbox.clock, log: sandbox.log });

    expect(node.inventory.images.map((i) => i.ref).slice(2)).toEqual(images);
    expect(planted(sandbox.dir)).toEqual([]);
    expect(existsSync(join(sandbox.root, "usr/local/bin/k3s"))).toBe(true);
  });

  it("an image reference with white space is refused before anything is sent", async () => {
    sandbox = nodeSandbox();
    const error = await bootstrapNode(sandbox.remote, {
      images: ["pytorch/pytorch:2.5 ; reboot"],
      clock: sandbox.clock,
      log: sandbox.log,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NodeBootstrapError);
    expect((error as NodeBootstrapError).message).toContain(
      "image reference 'pytorch/pytorch:2.5 ; reboot' is empty or contains white space",
    );
    expect(sandbox.remote.calls).toHaveLength(0);
  });
});
