import type { RemoteResult, RemoteScript } from "../../src/cloud/remote-script.js";

/**
 * A node whose vLLM server starts and whose bench job at each rate writes the result file
 * `fileAt(rate)` gives (vLLM's `--save-result` JSON). `scripts` records every script it was sent.
 */
export function vllmNode(fileAt: (rate: string) => Record<string, unknown>) {
  const scripts: RemoteScript[] = [];
  const remote = async (script: RemoteScript): Promise<RemoteResult> => {
    scripts.push(script);
    const ok = (stdout: string): RemoteResult => ({ commandId: "c", status: "Success", exitCode: 0, stdout, stderr: "", durationMs: 1 });
    if (script.name.endsWith("server-up")) return ok('GPU_BENCH_SERVER {"name":"s","outcome":"ready","seconds":5}');
    if (script.name.endsWith("server-down")) return ok("");
    const rate = /"--request-rate","([^"]+)"/.exec(script.files![0]!.content)![1]!;
    const file = { ...fileAt(rate), request_rate: rate === "inf" ? "inf" : Number(rate) };
    return ok(`GPU_BENCH_VLLM_RESULT ${JSON.stringify(file)}\nGPU_BENCH_JOB {"job":"x","outcome":"succeeded","seconds":30,"exitCode":0}`);
  };
  return Object.assign(remote, { scripts });
}
