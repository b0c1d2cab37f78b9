import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { getText, joinKey, listKeys, putText, s3Uri } from "../cloud/s3.js";
import { Direction, Outcome, ParameterValue, Results, WorkloadStatus } from "./results.js";

/**
 * The S3 archive and the index the comparison reads.
 *
 *   <prefix>/<suite>/<instance-type>/index.json
 *   <prefix>/<suite>/<instance-type>/<yyyymmddThhmmssZ>-<run-id>/{evidence.md,results.json,…}
 *
 * The run folders are the truth; the index is a compact digest of them so a comparison costs one
 * LIST and one GET. A reader trusts nothing it finds: every entry is parsed on its own, and what
 * does not parse is skipped and reported, never fatal. Run folders missing from the index (a lost
 * concurrent update, a deleted index) are read back from their results.json.
 */

export const HISTORY_INDEX_KIND = "ephemeral-gpu-bench/history-index";
export const INDEX_FILE = "index.json";
export const RESULTS_FILE = "results.json";
const RUN_FOLDER = /^\d{8}T\d{6}Z-[A-Za-z0-9._-]+$/;
/** Folders missing from the index read back per comparison, newest first. */
const MAX_FOLDERS_RECOVERED = 50;

export const HistoryMetric = z.object({
  name: z.string().min(1),
  direction: Direction,
  unit: z.string(),
  headline: z.boolean().default(false),
  /** The run's value: the median of its trials. */
  value: z.number(),
  trials: z.number().int().nonnegative(),
});
export type HistoryMetric = z.infer<typeof HistoryMetric>;

export const HistoryWorkload = z.object({
  id: z.string().min(1),
  parameters: z.record(z.string(), ParameterValue),
  status: WorkloadStatus,
  /** False when GPU telemetry said the result cannot be trusted: never used as a baseline. Absent: not known (valid). */
  valid: z.boolean().optional(),
  metrics: z.array(HistoryMetric),
});
export type HistoryWorkload = z.infer<typeof HistoryWorkload>;

export const HistoryEntry = z.object({
  runId: z.string().min(1),
  attempt: z.number().int().positive(),
  runNumber: z.number().int().nonnegative().optional(),
  startedAt: z.iso.datetime(),
  sha: z.string().optional(),
  suite: z.object({ name: z.string(), hash: z.string() }),
  instanceType: z.string().min(1),
  gpu: z.string().optional(),
  outcome: Outcome.shape.status,
  /** Where the run's files are: an S3 key prefix, or the baseline file it came from. */
  folder: z.string(),
  workloads: z.array(HistoryWorkload),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const HistoryIndex = z.object({
  kind: z.literal(HISTORY_INDEX_KIND),
  schemaVersion: z.literal(1),
  updatedAt: z.iso.datetime().optional(),
  entries: z.array(z.unknown()),
});
export type HistoryIndex = z.infer<typeof HistoryIndex>;

export interface HistoryStore {
  s3: S3Client;
  bucket: string;
  prefix: string;
}

export interface HistoryRead {
  entries: HistoryEntry[];
  /** One line per thing skipped, for a warning. */
  skipped: string[];
}

/** Instance type for runs that never got one (the evidence of a failed launch is kept too). */
export const NO_INSTANCE = "no-instance";

export function pathSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+|-+$/g, "");
  return cleaned.length > 0 ? cleaned.slice(0, 100) : "unnamed";
}

/** `<prefix>/<suite>/<instance-type>`: every run of one suite on one instance type. */
export function seriesKey(prefix: string, suiteName: string, instanceType: string): string {
  return joinKey(prefix, pathSegment(suiteName), pathSegment(instanceType));
}

/** 2025-01-06T02:00:00.000Z → 20250106T020000Z */
export function folderTimestamp(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

export function runFolderName(results: Results): string {
  return `${folderTimestamp(results.run.startedAt)}-${pathSegment(results.run.id)}`;
}

/** The compact digest of a run that the index keeps. */
export function entryFromResults(results: Results, folder: string): HistoryEntry {
  return {
    runId: results.run.id,
    attempt: results.run.attempt,
    runNumber: results.run.number,
    startedAt: results.run.startedAt,
    sha: results.run.sha,
    suite: { name: results.suite.name, hash: results.suite.hash },
    instanceType: results.instance?.type ?? NO_INSTANCE,
    gpu: results.inventory?.gpus[0]?.name,
    outcome: results.outcome.status,
    folder,
    workloads: results.workloads.map((w) => ({
      id: w.id,
      parameters: w.parameters,
      status: w.status,
      ...(w.telemetry ? { valid: w.telemetry.valid } : {}),
      metrics: w.metrics
        .filter((m) => Number.isFinite(m.summary.median))
        .map((m) => ({
          name: m.name,
          direction: m.direction,
          unit: m.unit,
          headline: m.headline,
          value: m.summary.median,
          trials: m.summary.n,
        })),
    })),
  };
}

function issueText(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return "invalid";
  const path = first.path.length > 0 ? `${first.path.join(".")}: ` : "";
  return `${path}${first.message}`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
  }
}

/** Parses an index document; entries that do not parse are skipped one by one. */
export function parseIndex(text: string, where: string): HistoryRead {
  const json = parseJson(text);
  if (!json.ok) return { entries: [], skipped: [`${where}: ${json.error}; ignored, the run folders are read instead`] };
  const index = HistoryIndex.safeParse(json.value);
  if (!index.success) return { entries: [], skipped: [`${where}: not a history index of this tool (${issueText(index.error)}); ignored`] };
  const entries: HistoryEntry[] = [];
  const skipped: string[] = [];
  index.data.entries.forEach((raw, i) => {
    const entry = HistoryEntry.safeParse(raw);
    if (entry.success) entries.push(entry.data);
    else skipped.push(`${where}: entry ${i} skipped (${issueText(entry.error)})`);
  });
  return { entries, skipped };
}

/** Parses a results.json as the archive holds it; undefined and a reason when it is not one. */
export function parseResultsText(text: string): { results: Results } | { error: string } {
  const json = parseJson(text);
  if (!json.ok) return { error: json.error };
  const parsed = Results.safeParse(json.value);
  if (!parsed.success) return { error: `not a results.json this version reads (${issueText(parsed.error)})` };
  return { results: parsed.data };
}

export function serializeIndex(entries: readonly HistoryEntry[], updatedAt: string): string {
  const sorted = [...entries].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.folder.localeCompare(b.folder));
  const index: HistoryIndex = { kind: HISTORY_INDEX_KIND, schemaVersion: 1, updatedAt, entries: sorted };
  return `${JSON.stringify(index, null, 1)}\n`;
}

/** Every run of one series that can be read, and what was skipped on the way. */
export async function readHistory(store: HistoryStore, series: string): Promise<HistoryRead> {
  const keys = await listKeys(store.s3, store.bucket, `${series}/`);
  const indexKey = `${series}/${INDEX_FILE}`;
  const skipped: string[] = [];
  const entries: HistoryEntry[] = [];
  if (keys.includes(indexKey)) {
    const text = await getText(store.s3, { bucket: store.bucket, key: indexKey });
    if (text !== undefined) {
      const read = parseIndex(text, s3Uri({ bucket: store.bucket, key: indexKey }));
      entries.push(...read.entries);
      skipped.push(...read.skipped);
    }
  }

  const foreign: string[] = [];
  const folders = new Set<string>();
  for (const key of keys) {
    if (key === indexKey) continue;
    const parts = key.slice(series.length + 1).split("/");
    if (parts.length >= 2 && RUN_FOLDER.test(parts[0]!)) {
      if (parts.length === 2 && parts[1] === RESULTS_FILE) folders.add(`${series}/${parts[0]}`);
    } else {
      foreign.push(key);
    }
  }
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).map((k) => s3Uri({ bucket: store.bucket, key: k }));
    skipped.push(
      `${foreign.length} object(s) that are not run folders of this tool skipped: ${shown.join(", ")}${foreign.length > 5 ? ", …" : ""}`,
    );
  }

  const indexed = new Set(entries.map((e) => e.folder));
  const missing = [...folders]
    .filter((f) => !indexed.has(f))
    .sort()
    .reverse()
    .slice(0, MAX_FOLDERS_RECOVERED);
  for (const folder of missing) {
    const loc = { bucket: store.bucket, key: `${folder}/${RESULTS_FILE}` };
    const text = await getText(store.s3, loc);
    if (text === undefined) continue;
    const parsed = parseResultsText(text);
    if ("error" in parsed) skipped.push(`${s3Uri(loc)} skipped: ${parsed.error}`);
    else entries.push(entryFromResults(parsed.results, folder));
  }
  return { entries: dedupe(entries), skipped };
}

function dedupe(entries: HistoryEntry[]): HistoryEntry[] {
  const byFolder = new Map<string, HistoryEntry>();
  for (const e of entries) byFolder.set(e.folder, e);
  return [...byFolder.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export interface ArchiveFile {
  name: string;
  body: string;
  contentType: string;
}

/**
 * A folder for this run that no earlier run uses: the run's start time and id, and a counter in
 * the rare case the folder exists already (a re-run of the same attempt, a clock that went back).
 */
export async function claimRunFolder(store: HistoryStore, series: string, results: Results): Promise<string> {
  const base = `${series}/${runFolderName(results)}`;
  for (let i = 1; i <= 100; i++) {
    const folder = i === 1 ? base : `${base}-${i}`;
    const existing = await listKeys(store.s3, store.bucket, `${folder}/`);
    if (existing.length === 0) return folder;
  }
  throw new Error(
    `Could not find a free run folder under ${s3Uri({ bucket: store.bucket, key: base })}: 100 folders with this run's name exist.`,
  );
}

export interface ArchivedRun {
  folder: string;
  uris: Record<string, string>;
  indexUri: string;
  skipped: string[];
}

/** Writes the run's files into its folder, then adds it to the series index. */
export async function archiveRun(
  store: HistoryStore,
  series: string,
  folder: string,
  entry: HistoryEntry,
  files: readonly ArchiveFile[],
  nowIso: string,
): Promise<ArchivedRun> {
  const uris: Record<string, string> = {};
  for (const file of files) {
    const loc = { bucket: store.bucket, key: `${folder}/${file.name}` };
    await putText(store.s3, loc, file.body, file.contentType);
    uris[file.name] = s3Uri(loc);
  }
  // Read again just before writing: the window in which a concurrent run's entry could be lost is
  // short, and a lost entry is recovered from its folder by the next reader anyway.
  const current = await readHistory(store, series);
  const others = current.entries.filter((e) => e.folder !== folder);
  const indexLoc = { bucket: store.bucket, key: `${series}/${INDEX_FILE}` };
  await putText(store.s3, indexLoc, serializeIndex([...others, entry], nowIso), "application/json");
  return { folder, uris, indexUri: s3Uri(indexLoc), skipped: current.skipped };
}

/**
 * A pinned baseline: a results.json, a JSON array of them, or a history index (e.g. one copied
 * from the archive). Unreadable parts are skipped and reported.
 */
export function parseBaselineFile(text: string, source: string): HistoryRead {
  const json = parseJson(text);
  if (!json.ok) return { entries: [], skipped: [`${source}: ${json.error}`] };
  const value = json.value;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && (value as { kind?: unknown }).kind === HISTORY_INDEX_KIND) {
    return parseIndex(text, source);
  }
  const items = Array.isArray(value) ? value : [value];
  const entries: HistoryEntry[] = [];
  const skipped: string[] = [];
  items.forEach((item, i) => {
    const where = Array.isArray(value) ? `${source}[${i}]` : source;
    const asResults = Results.safeParse(item);
    if (asResults.success) {
      entries.push(entryFromResults(asResults.data, where));
      return;
    }
    const asEntry = HistoryEntry.safeParse(item);
    if (asEntry.success) entries.push(asEntry.data);
    else skipped.push(`${where}: not a results.json or history entry (${issueText(asResults.error)})`);
  });
  return { entries, skipped };
}
