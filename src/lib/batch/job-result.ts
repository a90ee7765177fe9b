import { ExitCode } from '../errors/dl-error.js';
import type { Digests } from '../hash/algorithms.js';

/**
 * How one job ended: `ok` fetched, `cached` copied from the cache or from a duplicate in
 * the same batch, `skipped` already complete on disk (--skip-existing), `failed`, or
 * `cancelled` (stopped by --fail-fast or a signal; its checkpoint is kept).
 */
export type JobStatus = 'ok' | 'cached' | 'skipped' | 'failed' | 'cancelled';

export interface JobError {
  code: string;
  message: string;
  exitCode: number;
  hint?: string;
}

/** One result line (`--json`: one NDJSON object per job). URLs are redacted. */
export interface JobResult {
  line: number;
  url: string;
  output: string;
  status: JobStatus;
  bytes: number;
  /** Bytes that came over the network for this job in this run. */
  fetched: number;
  digests: Digests;
  durationMs: number;
  error?: JobError;
}

export interface BatchSummary {
  jobs: number;
  ok: number;
  cached: number;
  skipped: number;
  failed: number;
  cancelled: number;
  bytes: number;
  fetched: number;
  durationMs: number;
  exitCode: number;
}

/**
 * Most severe first. An interrupted run outranks everything (rerun resumes it); wrong
 * bytes outrank missing ones; a transient failure, which a rerun may fix, ranks below
 * failures that will not go away by themselves.
 */
const SEVERITY: readonly number[] = [
  ExitCode.INTERRUPTED,
  ExitCode.INTEGRITY,
  ExitCode.REFUSED,
  ExitCode.IO,
  ExitCode.CANT_CREATE,
  ExitCode.NO_INPUT,
  ExitCode.UNAVAILABLE,
  ExitCode.USAGE,
  ExitCode.OTHER,
  ExitCode.TEMP_FAIL,
];

const rank = (code: number): number => (code === 0 ? Infinity : SEVERITY.includes(code) ? SEVERITY.indexOf(code) : SEVERITY.length);

/** The exit status of a batch: the most severe of its jobs' codes, 0 when all are 0. */
export function mostSevere(codes: Iterable<number>): number {
  let worst = 0;
  for (const c of codes) if (rank(c) < rank(worst)) worst = c;
  return worst;
}

export function summarize(results: readonly JobResult[], durationMs: number, extraCodes: readonly number[] = []): BatchSummary {
  const count = (s: JobStatus): number => results.filter((r) => r.status === s).length;
  const codes = results.filter((r) => r.status === 'failed').map((r) => r.error?.exitCode ?? ExitCode.OTHER);
  return {
    jobs: results.length,
    ok: count('ok'),
    cached: count('cached'),
    skipped: count('skipped'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    fetched: results.reduce((n, r) => n + r.fetched, 0),
    durationMs,
    exitCode: mostSevere([...codes, ...extraCodes]),
  };
}
