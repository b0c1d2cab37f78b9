import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { s3Uri } from "../cloud/s3.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";
import { BIGGER_IS_BETTER_FILE, SMALLER_IS_BETTER_FILE, benchmarkActionEntries } from "./benchmark-action.js";
import {
  DEFAULT_BASELINE_OPTIONS,
  compareWithBaseline,
  regressions,
  type BaselineOptions,
  type BaselineSource,
  type Comparison,
  type MetricComparison,
} from "./comparison.js";
import { estimateCost } from "./cost.js";
import { signedPercent } from "./format.js";
import {
  NO_INSTANCE,
  RESULTS_FILE,
  archiveRun,
  claimRunFolder,
  entryFromResults,
  parseBaselineFile,
  readHistory,
  seriesKey,
  type ArchiveFile,
  type HistoryEntry,
  type HistoryStore,
} from "./history.js";
import { SUMMARY_LIMIT_BYTES, renderEvidence, type EvidenceFiles, type EvidenceModel } from "./markdown.js";
import { redactDeep, redactor, type Redact } from "../runtime/redact.js";
import type { Assessment, HeadlineMetric, Results } from "./results.js";

export type { HeadlineMetric } from "./results.js";
import { decideVerdict, type Verdict } from "./verdict.js";

/**
 * Publishing the evidence: compare with the history, render the report, and put it everywhere it
 * belongs: the local artifact-ready folder, the job summary, annotations, the artifact, the S3
 * archive and its index. Each destination fails on its own (a warning and a note in the report);
 * none stops the others, and the verdict is always returned.
 */

export type AnnotationLevel = "error" | "warning" | "notice";

/** Where the evidence goes beyond the local folder: the GitHub runtime, or the CLI's stand-ins. */
export interface Publisher {
  writeSummary(markdown: string): Promise<void>;
  /** Absent where no artifact service exists (the CLI, a runner without ACTIONS_RUNTIME_TOKEN). */
  uploadArtifact?(name: string, files: string[], rootDir: string, retentionDays: number): Promise<void>;
  annotate(level: AnnotationLevel, message: string, title?: string): void;
}

export interface PublishEvidenceOptions {
  results: Results;
  /** The S3 archive; absent: no history is read and nothing is archived. */
  history?: HistoryStore;
  baseline?: Partial<BaselineOptions> & {
    /** A pinned baseline file (results.json, an array of them, or a history index) read instead of the history. */
    file?: string;
  };
  /** The artifact-ready folder; created when missing. */
  outDir: string;
  retentionDays: number;
  publisher: Publisher;
  log: Log;
  /** Values that must never appear in anything written (tokens, keys): the same the log masks. */
  secrets?: readonly string[];
  /** Makes a headline regression an error annotation and sets `failure`. */
  failOnRegression?: boolean;
  clock?: Pick<Clock, "now">;
  summaryLimitBytes?: number;
}

export interface ArchivedUris {
  folder: string;
  evidence: string;
  results: string;
  index: string;
}

export interface PublishedEvidence {
  verdict: Verdict;
  headline: HeadlineMetric[];
  /** The artifact-ready folder and what is in it. */
  folder: string;
  files: string[];
  evidencePath: string;
  resultsPath: string;
  artifactName: string;
  artifactUploaded: boolean;
  /** Absent when nothing was archived (no bucket, or the archive failed). */
  s3?: ArchivedUris;
  regressions: MetricComparison[];
  comparison: Comparison;
  /** Set when the step should fail: the run failed, or a headline regression with failOnRegression. */
  failure?: string;
}

export const EVIDENCE_FILE = "evidence.md";
export const DIAGNOSTICS_FILE = "diagnostics.txt";
const MAX_SKIP_WARNINGS = 10;

/**
 * `benchmark-evidence-<instance-type>-<run-number>-<job>-<attempt>-<leg>`, in the characters
 * artifact names allow. An artifact name is taken once per workflow run, and every job, every leg
 * of a matrix and every re-run attempt uploads its own: the job id and attempt tell jobs and
 * attempts apart, the leg (the instance it launched, which is its own; without one, the moment the
 * run started, to the millisecond) tells apart matrix legs that share the job id.
 */
export function artifactName(results: Results): string {
  const type = results.instance?.type ?? NO_INSTANCE;
  const number = results.run.number ?? results.run.id;
  const job = (results.run.job ?? "job").slice(0, 40);
  const leg = results.instance?.id ?? results.run.startedAt.replace(/\D/g, "");
  return `benchmark-evidence-${type}-${number}-${job}-${results.run.attempt}-${leg}`.replace(/[^A-Za-z0-9._-]+/g, "-");
}

export function headlineOf(comparison: Comparison): HeadlineMetric[] {
  return comparison.metrics
    .filter((m) => m.headline)
    .map((m) => ({
      workload: m.workload,
      metric: m.metric,
      label: m.label,
      value: Number.isFinite(m.current) ? m.current : null,
      unit: m.unit,
      direction: m.direction,
      changePercent:
        m.decision.deltaPercent !== undefined && Number.isFinite(m.decision.deltaPercent)
          ? Number(m.decision.deltaPercent.toFixed(2))
          : null,
      decision: m.decision.decision,
    }));
}

function describeBaseline(source: BaselineSource): string {
  if (source.kind === "history") return source.uri;
  if (source.kind === "file") return source.path;
  return `none: ${source.reason}`;
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

interface BaselineRead {
  entries: HistoryEntry[];
  source: BaselineSource;
}

async function readBaseline(
  results: Results,
  opts: PublishEvidenceOptions,
  series: string | undefined,
  redact: Redact,
): Promise<BaselineRead> {
  const { history, log } = opts;
  const warnSkipped = (skipped: readonly string[]) => {
    for (const line of skipped.slice(0, MAX_SKIP_WARNINGS)) log.warning(redact(`History: ${line}`));
    if (skipped.length > MAX_SKIP_WARNINGS) log.warning(`History: ${skipped.length - MAX_SKIP_WARNINGS} more entries skipped.`);
  };
  const file = opts.baseline?.file;
  if (file) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      const reason = `the baseline file ${file} could not be read (${errorText(error)})`;
      log.warning(redact(`${reason}; no comparison this run. Check the 'baseline-file' input.`));
      return { entries: [], source: { kind: "none", reason } };
    }
    const read = parseBaselineFile(text, file);
    warnSkipped(read.skipped);
    return { entries: read.entries, source: { kind: "file", path: file } };
  }
  if (!results.instance)
    return { entries: [], source: { kind: "none", reason: "no instance was launched, so there is no instance type to compare on" } };
  if (!history || !series) return { entries: [], source: { kind: "none", reason: "no evidence bucket to read the history from" } };
  const uri = s3Uri({ bucket: history.bucket, key: `${series}/` });
  try {
    const read = await readHistory(history, series);
    warnSkipped(read.skipped);
    return { entries: read.entries, source: { kind: "history", uri } };
  } catch (error) {
    const reason = `the history at ${uri} could not be read (${errorText(error)})`;
    log.warning(redact(`${reason}. The run is not compared; its evidence is still archived if the bucket accepts writes.`));
    return { entries: [], source: { kind: "none", reason } };
  }
}

export async function publishEvidence(opts: PublishEvidenceOptions): Promise<PublishedEvidence> {
  const { history, publisher, log } = opts;
  const redact = redactor(opts.secrets ?? []);
  // Everything below works from a redacted copy; the text passes on the way out are a second net.
  const results = redactDeep(opts.results, redact);
  const now = opts.clock?.now() ?? Date.now();
  const nowIso = new Date(now).toISOString();
  const baselineOptions: BaselineOptions = {
    runs: opts.baseline?.runs ?? DEFAULT_BASELINE_OPTIONS.runs,
    thresholdPercent: opts.baseline?.thresholdPercent ?? DEFAULT_BASELINE_OPTIONS.thresholdPercent,
    confidence: opts.baseline?.confidence,
  };
  const series = history ? seriesKey(history.prefix, results.suite.name, results.instance?.type ?? NO_INSTANCE) : undefined;

  const baseline = await readBaseline(results, opts, series, redact);
  const comparison = compareWithBaseline(results, baseline.entries, baseline.source, baselineOptions);
  const verdict = decideVerdict(results, comparison);
  const notes: string[] = [];

  let folderKey: string | undefined;
  if (history && series) {
    try {
      folderKey = await claimRunFolder(history, series, results);
    } catch (error) {
      notes.push(`S3 archive skipped: ${errorText(error)}`);
    }
  }
  const uriOf = (name: string) => (history && folderKey ? s3Uri({ bucket: history.bucket, key: `${folderKey}/${name}` }) : undefined);

  const outDir = resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const bench = benchmarkActionEntries(results);
  const benchFiles = [
    ...(bench.biggerIsBetter.length > 0 ? [{ name: BIGGER_IS_BETTER_FILE, entries: bench.biggerIsBetter }] : []),
    ...(bench.smallerIsBetter.length > 0 ? [{ name: SMALLER_IS_BETTER_FILE, entries: bench.smallerIsBetter }] : []),
  ];
  const assessment: Assessment = {
    verdict: verdict.kind,
    reason: verdict.reason,
    baseline: describeBaseline(baseline.source),
    headline: headlineOf(comparison),
  };
  const recorded: Results = {
    ...results,
    assessment,
    locations: {
      ...results.locations,
      evidence: uriOf(EVIDENCE_FILE) ?? results.locations.evidence,
      results: uriOf(RESULTS_FILE) ?? results.locations.results,
    },
  };
  const archiveFiles: ArchiveFile[] = [
    { name: RESULTS_FILE, body: redact(`${JSON.stringify(recorded, null, 2)}\n`), contentType: "application/json" },
    ...benchFiles.map((f) => ({ name: f.name, body: redact(`${JSON.stringify(f.entries, null, 2)}\n`), contentType: "application/json" })),
    ...(results.diagnosticsTail
      ? [{ name: DIAGNOSTICS_FILE, body: redact(results.diagnosticsTail), contentType: "text/plain; charset=utf-8" }]
      : []),
  ];

  const model = (archived: boolean): EvidenceModel => {
    const where = (name: string) => (archived ? uriOf(name) : join(outDir, name));
    const files: EvidenceFiles = {
      folder: archived && history && folderKey ? s3Uri({ bucket: history.bucket, key: `${folderKey}/` }) : outDir,
      evidence: where(EVIDENCE_FILE),
      results: where(RESULTS_FILE),
      benchmarkAction: benchFiles.map((f) => where(f.name)!),
      diagnostics: results.diagnosticsTail ? where(DIAGNOSTICS_FILE) : undefined,
      index: archived && history && series ? s3Uri({ bucket: history.bucket, key: `${series}/index.json` }) : undefined,
    };
    return { results, comparison, verdict, cost: estimateCost(results, now), files, notes, generatedAt: nowIso };
  };

  const writeLocal = async (evidence: string) => {
    const paths: string[] = [];
    for (const file of [{ name: EVIDENCE_FILE, body: evidence }, ...archiveFiles]) {
      const path = join(outDir, file.name);
      await writeFile(path, redact(file.body), "utf8");
      paths.push(path);
    }
    return paths;
  };

  let archived = Boolean(folderKey);
  let evidence = redact(renderEvidence(model(archived), {}, redact));
  let files = await writeLocal(evidence);

  let s3: ArchivedUris | undefined;
  if (history && series && folderKey) {
    try {
      const entry = entryFromResults(recorded, folderKey);
      const done = await archiveRun(
        history,
        series,
        folderKey,
        entry,
        [{ name: EVIDENCE_FILE, body: evidence, contentType: "text/markdown; charset=utf-8" }, ...archiveFiles],
        nowIso,
      );
      s3 = {
        folder: s3Uri({ bucket: history.bucket, key: `${folderKey}/` }),
        evidence: done.uris[EVIDENCE_FILE]!,
        results: done.uris[RESULTS_FILE]!,
        index: done.indexUri,
      };
      log.info(`Evidence archived to ${s3.folder}`);
    } catch (error) {
      archived = false;
      const note = `S3 archive failed: ${errorText(error)}; this run is not in the history, so the next comparison will not see it`;
      notes.push(note);
      log.warning(redact(`${note}. Check that the role may s3:PutObject and s3:ListBucket on the evidence bucket.`));
      publisher.annotate("warning", redact(note), "Evidence not archived");
      evidence = redact(renderEvidence(model(false), {}, redact));
      files = await writeLocal(evidence);
    }
  }

  const summary = redact(renderEvidence(model(archived), { maxBytes: opts.summaryLimitBytes ?? SUMMARY_LIMIT_BYTES }, redact));
  try {
    await publisher.writeSummary(summary);
  } catch (error) {
    log.warning(redact(`The job summary could not be written: ${errorText(error)}`));
  }

  const regressed = regressions(comparison);
  for (const m of regressed) {
    const level: AnnotationLevel = m.headline ? (opts.failOnRegression ? "error" : "warning") : "notice";
    const message = `${m.workload} ${m.label} ${signedPercent(m.decision.deltaPercent)} against ${m.decision.runs} baseline runs (${m.decision.reason}).`;
    publisher.annotate(level, redact(message), `Regression: ${m.workload} ${m.metric}`);
  }
  if (verdict.kind === "failed") publisher.annotate("error", redact(verdict.reason), "Benchmark run failed");
  if (verdict.kind === "fault-slo-missed") publisher.annotate("warning", redact(verdict.reason), "Fault SLO missed");

  const name = artifactName(results);
  let artifactUploaded = false;
  if (publisher.uploadArtifact) {
    try {
      await publisher.uploadArtifact(name, files, outDir, opts.retentionDays);
      artifactUploaded = true;
    } catch (error) {
      log.warning(
        redact(
          `The evidence artifact ${name} could not be uploaded: ${errorText(error)}. The files are in ${outDir}${s3 ? ` and ${s3.folder}` : ""}.`,
        ),
      );
    }
  }

  let failure: string | undefined;
  if (verdict.kind === "failed") failure = `Benchmark run failed: ${verdict.reason}`;
  else if (verdict.kind === "regression" && opts.failOnRegression) failure = `Regression (fail-on-regression is true): ${verdict.reason}`;

  return {
    verdict: { kind: verdict.kind, reason: redact(verdict.reason) },
    headline: redactDeep(headlineOf(comparison), redact),
    folder: outDir,
    files,
    evidencePath: join(outDir, EVIDENCE_FILE),
    resultsPath: join(outDir, RESULTS_FILE),
    artifactName: name,
    artifactUploaded,
    s3,
    regressions: regressed,
    comparison,
    failure: failure ? redact(failure) : undefined,
  };
}
