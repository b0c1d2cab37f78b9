import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { getText, listKeys, s3Uri } from "../cloud/s3.js";
import { RESULTS_FILE, parseResultsText } from "./history.js";
import type { Results } from "./results.js";

/**
 * Results of earlier runs, from where users keep them: a results.json, a folder of downloaded
 * artifacts (every results.json under it), an s3:// URI of a results.json, or an s3:// prefix (a
 * run folder or a whole series of the archive: every results.json under it).
 */

export class ResultsSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResultsSourceError";
  }
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?(.*)$/;

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else if (entry.isFile() && entry.name === RESULTS_FILE) found.push(path);
  }
  return found.sort();
}

function parsed(text: string, where: string): Results {
  const r = parseResultsText(text);
  if ("error" in r) throw new ResultsSourceError(`${where} is not a results.json: ${r.error}`);
  return r.results;
}

/**
 * Every run's results from `sources`. `s3` is needed only for s3:// sources. Throws
 * ResultsSourceError naming the source that is missing, empty or not a results.json.
 */
export async function readResults(sources: readonly string[], s3?: () => S3Client): Promise<Results[]> {
  const all: Results[] = [];
  for (const source of sources) {
    const uri = S3_URI.exec(source);
    if (uri) {
      if (!s3) throw new ResultsSourceError(`${source}: reading S3 needs AWS access (aws-region, and role-to-assume or credentials)`);
      const [, bucket, key] = uri as unknown as [string, string, string];
      if (key.endsWith(".json")) {
        const text = await getText(s3(), { bucket, key });
        if (text === undefined) throw new ResultsSourceError(`${source} does not exist`);
        all.push(parsed(text, source));
        continue;
      }
      const keys = (await listKeys(s3(), bucket, key)).filter((k) => k.endsWith(`/${RESULTS_FILE}`) || k === RESULTS_FILE);
      if (keys.length === 0) throw new ResultsSourceError(`${source} holds no ${RESULTS_FILE}`);
      for (const k of keys.sort()) all.push(parsed((await getText(s3(), { bucket, key: k })) ?? "", s3Uri({ bucket, key: k })));
      continue;
    }
    let info;
    try {
      info = await stat(source);
    } catch {
      throw new ResultsSourceError(`${source} does not exist: give a results.json, a folder of downloaded artifacts, or an s3:// URI`);
    }
    const files = info.isDirectory() ? await filesUnder(source) : [source];
    if (files.length === 0) throw new ResultsSourceError(`${source} holds no ${RESULTS_FILE}`);
    for (const f of files) all.push(parsed(await readFile(f, "utf8"), f));
  }
  return all;
}
