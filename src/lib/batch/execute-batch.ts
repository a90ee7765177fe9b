import { setMaxListeners } from 'node:events';
import { isDlError } from '../errors/dl-error.js';
import type { EventInput } from '../events/types.js';
import type { HistoryJournal, JournaledJob } from '../history/history-journal.js';
import type { BatchMetrics } from '../metrics/batch-metrics.js';
import { redactText } from '../redact/redact-text.js';
import { redactUrl } from '../redact/redact-url.js';
import { isSecretHeader } from '../redact/redact-headers.js';
import { BatchProgress, BATCH_ID } from './batch-progress.js';
import { fetchJob, type FetchContext, type Outcome } from './fetch-job.js';
import { summarize, type BatchSummary, type JobError, type JobResult } from './job-result.js';
import type { BatchJob } from './plan-jobs.js';
import { scheduleJobs } from './schedule-jobs.js';

export interface ExecuteBatchOptions extends Omit<FetchContext, 'producing' | 'dirs'> {
  /** Jobs at once (`-j`). */
  concurrency: number;
  /** Jobs of one host at once (`--per-host`). */
  perHost?: number;
  /** Stop at the first failure; running jobs keep their checkpoints. */
  failFast: boolean;
  journal?: HistoryJournal;
  metrics?: BatchMetrics;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  emit: (e: EventInput) => void;
  /** Each job's result, as it finishes. */
  onResult: (r: JobResult) => void;
  /** Values no message may show (secret headers, passwords). */
  secrets?: readonly string[];
  now?: () => number;
}

/**
 * Runs a planned batch: journals it, schedules the jobs (priority, -j, per-host cap),
 * fetches each (skip, duplicate, cache or download), reports one result per job, and
 * returns the summary whose exit code is the most severe of the jobs'. A failed job does
 * not stop the others unless failFast; an interrupted batch leaves its unfinished jobs
 * in the journal for --resume-all.
 */
export async function executeBatch(jobs: readonly BatchJob[], o: ExecuteBatchOptions): Promise<BatchSummary> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const keys = (await o.journal?.begin(jobs.map((j) => journalEntry(j)))) ?? [];
  const keyOf = new Map(jobs.map((j, n) => [j, keys[n]]));
  const stop = new AbortController();
  // Every running job listens on it (retries, sleeps, requests): more than the default 10.
  setMaxListeners(0, stop.signal);
  const onOuterAbort = (): void => stop.abort(o.signal.reason);
  o.signal.addEventListener('abort', onOuterAbort, { once: true });
  const progress = new BatchProgress(jobs.length, o.emit, now);
  const ctx: FetchContext = { ...o, producing: new Map(), dirs: new Map() };
  const results: JobResult[] = [];
  await scheduleJobs(jobs, {
    concurrency: o.concurrency,
    perHost: o.perHost,
    signal: stop.signal,
    run: (job, signal) => runOne(job, ctx, o, progress, signal),
    notRun: (job) => resultOf(job, { status: 'cancelled', bytes: 0, fetched: 0, digests: {} }, 0),
    onResult: (r, job) => {
      results.push(r);
      if (r.status === 'failed' && o.failFast) stop.abort();
      const key = keyOf.get(job);
      if (key !== undefined && r.status !== 'cancelled') void o.journal?.end(key, r.status, r.error?.exitCode ?? 0).catch(() => undefined);
      o.onResult(r);
    },
  });
  o.signal.removeEventListener('abort', onOuterAbort);
  const summary = summarize(results, now() - t0, o.signal.aborted ? [130] : []);
  o.emit({ type: 'end', id: BATCH_ID, ...summary });
  return summary;
}

async function runOne(job: BatchJob, ctx: FetchContext, o: ExecuteBatchOptions, progress: BatchProgress, signal: AbortSignal): Promise<JobResult> {
  const t0 = (o.now ?? Date.now)();
  const emit = (e: EventInput): void => {
    o.emit(e);
    progress.onJobEvent(e);
    if (e.type === 'retry') o.metrics?.retried(job.host);
  };
  if (o.metrics) o.metrics.active++;
  let result: JobResult;
  try {
    const outcome = await fetchJob(job, ctx, emit, signal);
    result = resultOf(job, outcome, (o.now ?? Date.now)() - t0);
    if (outcome.status !== 'ok') o.emit({ type: 'end', id: job.id, bytes: outcome.bytes, durationMs: result.durationMs, status: outcome.status, fetched: 0 });
  } catch (err) {
    const cancelled = signal.aborted && isDlError(err) && err.code === 'DL_ERR_INTERRUPTED';
    result = { ...resultOf(job, { status: cancelled ? 'cancelled' : 'failed', bytes: 0, fetched: 0, digests: {} }, (o.now ?? Date.now)() - t0), error: jobError(err, o.secrets) };
    if (!cancelled) o.emit({ type: 'error', id: job.id, ...result.error! });
  }
  if (o.metrics) {
    o.metrics.active--;
    o.metrics.jobEnded(result.status, result.bytes, result.fetched);
  }
  progress.jobEnded(job.id, result.bytes);
  return result;
}

function resultOf(job: BatchJob, outcome: Outcome | { status: 'failed' | 'cancelled'; bytes: number; fetched: number; digests: Outcome['digests'] }, durationMs: number): JobResult {
  return { line: job.line, url: redactUrl(job.spec.url), output: job.target, ...outcome, durationMs };
}

function jobError(err: unknown, secrets: readonly string[] = []): JobError {
  if (isDlError(err)) return { code: err.code, message: redactText(err.message, secrets), exitCode: err.exitCode, ...(err.hint ? { hint: err.hint } : {}) };
  return { code: 'DL_ERR_OTHER', message: redactText(err instanceof Error ? err.message : String(err), secrets), exitCode: 1 };
}

/** What the journal keeps of a job: everything to run it again, but never a secret. */
function journalEntry(job: BatchJob): { job: JournaledJob; resumable: boolean; key?: string } {
  const { spec } = job;
  const secretHeader = (spec.headers ?? []).some((h) => isSecretHeader(h.split(':')[0] ?? ''));
  const secretUrl = [spec.url, ...(spec.mirrors ?? [])].some((u) => redactUrl(u) !== u);
  const entry: JournaledJob = { url: redactUrl(spec.url), output: job.target, line: job.line, priority: spec.priority };
  if (spec.expect) entry.expect = spec.expect as Record<string, string>;
  if (spec.mirrors) entry.mirrors = spec.mirrors.map(redactUrl);
  if (spec.headers) entry.headers = spec.headers.map((h) => (isSecretHeader(h.split(':')[0] ?? '') ? `${h.split(':')[0]}: ***` : h));
  if (spec.segments !== undefined) entry.segments = spec.segments;
  return { job: entry, resumable: !secretHeader && !secretUrl, ...(job.key ? { key: job.key } : {}) };
}
