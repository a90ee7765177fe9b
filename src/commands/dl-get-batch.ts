import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import type { Argv } from 'yargs';
import type { CommandArgs, CommandContext } from '../cli/define-command.js';
import type { Io } from '../cli/io.js';
import { parseByteSize } from '../cli/parse-byte-size.js';
import { writeOut } from '../cli/write-text.js';
import { executeBatch } from '../lib/batch/execute-batch.js';
import type { FetchContext, SharedDownload } from '../lib/batch/fetch-job.js';
import { resultJson, resultLine, summaryJson, summaryLine } from '../lib/batch/format-results.js';
import type { BatchSummary, JobResult } from '../lib/batch/job-result.js';
import { parseJobs, type JobLineProblem, type ParsedJob } from '../lib/batch/parse-jobs.js';
import { planJobs, type BatchJob } from '../lib/batch/plan-jobs.js';
import { parseShard } from '../lib/batch/shard.js';
import { openContentStore, type ContentStore } from '../lib/cache/content-store.js';
import { usageError } from '../lib/errors/dl-error.js';
import { fsError } from '../lib/fs/fs-error.js';
import { openHistory, readInterrupted, type InterruptedJob } from '../lib/history/history-journal.js';
import { createDispatcher } from '../lib/http/dispatcher.js';
import { loadCredentials, type CredentialInputs } from '../lib/http/load-credentials.js';
import { BatchMetrics } from '../lib/metrics/batch-metrics.js';
import { startMetricsFile } from '../lib/metrics/metrics-file.js';
import { resolveSource } from '../lib/resolve/resolve-source.js';
import { xdgDir } from '../lib/fs/xdg-dir.js';
import { DEFAULT_RETRY_POLICY } from '../lib/retry/retry-policy.js';
import { createRateLimiter } from '../lib/streams/rate-limit.js';
import type { GetArgs } from './dl-get.js';

/**
 * dl-get's batch mode (`-i FILE`, `--resume-all`): a job list run N at a time by priority
 * with a per-host cap and one shared rate limit, duplicates fetched once, an optional
 * content-addressed cache, a history journal for resuming, and Prometheus metrics.
 */
export interface BatchArgs {
  input: string | undefined;
  jobs: number;
  'per-host': number | undefined;
  'skip-existing': boolean;
  cache: string | undefined;
  'cache-max': string | undefined;
  'resume-all': boolean;
  'list-interrupted': boolean;
  'metrics-file': string | undefined;
  shard: string | undefined;
  'fail-fast': boolean;
  strict: boolean;
}

/** The dl-get options batch mode reads besides its own. */
type GetOptionsUsed = Pick<
  GetArgs,
  | 'dir' | 'output' | 'expect' | 'mirror' | 'header' | 'segments' | 'min-split' | 'retries' | 'retry-max-time' | 'timeout'
  | 'resume' | 'restart' | 'keep-bad' | 'limit-rate' | 'user' | 'password-stdin' | 'netrc' | 'netrc-file' | 'cookie' | 'proxy'
  | 'insecure' | 'checksum-url' | 'auto-checksum' | 'fsync' | 'direct-io'
>;

type Args = CommandArgs<BatchArgs & GetOptionsUsed>;

export const withBatchOptions = <T>(y: Argv<T>): Argv<T & BatchArgs> =>
  y
    .option('input', { alias: 'i', type: 'string', requiresArg: true, describe: "download the jobs listed in FILE ('-': stdin), one URL or JSON object a line" })
    .option('jobs', { alias: 'j', type: 'number', default: 4, requiresArg: true, describe: 'with -i: downloads at once' })
    .option('per-host', { type: 'number', requiresArg: true, describe: 'with -i: at most N downloads and N connections per host' })
    .option('skip-existing', { type: 'boolean', default: false, describe: 'with -i: keep outputs that are complete (expected digest, else the size the server announces)' })
    .option('cache', { type: 'string', describe: 'with -i: share downloads through a content-addressed cache in DIR (default $XDG_CACHE_HOME/dlkit)' })
    .option('cache-max', { type: 'string', requiresArg: true, describe: 'evict least recently used cache entries beyond SIZE after the batch' })
    .option('resume-all', { type: 'boolean', default: false, describe: 'run again the interrupted jobs of the history, from their checkpoints' })
    .option('list-interrupted', { type: 'boolean', default: false, describe: 'list the interrupted jobs of the history and exit' })
    .option('metrics-file', { type: 'string', requiresArg: true, describe: 'with -i: keep a Prometheus textfile at PATH up to date' })
    .option('shard', { type: 'string', requiresArg: true, describe: 'with -i: only the jobs whose URL hashes to part K of N (K/N)' })
    .option('fail-fast', { type: 'boolean', default: false, describe: 'with -i: stop at the first failed job' })
    .option('strict', { type: 'boolean', default: false, describe: 'with -i: a malformed job line is an error (exit 64), not a warning' }) as unknown as Argv<T & BatchArgs>;

/** True when dl-get should hand over to runBatch. */
export const isBatch = (args: Pick<Args, 'input' | 'resumeAll' | 'listInterrupted'>): boolean =>
  args.input !== undefined || args.resumeAll || args.listInterrupted;

export async function runBatch(args: Args, ctx: CommandContext): Promise<number> {
  validate(args);
  const historyPath = stateFile(ctx.io.env, 'history.ndjson');
  if (args.listInterrupted) return listInterrupted(historyPath, args, ctx);
  const jobs = args.resumeAll ? await resumedJobs(historyPath, ctx) : await listedJobs(args, ctx);
  const store = args.cache === undefined ? undefined : await openContentStore(cacheDir(args.cache, ctx));
  const summary = await execute(jobs, args, ctx, store, historyPath);
  if (store && args.cacheMax !== undefined) await store.evict(parseByteSize(args.cacheMax, '--cache-max'));
  await writeOut(ctx.io.stdout, args.json ? summaryJson(summary) : summaryLine(summary));
  return summary.exitCode;
}

function validate(args: Args): void {
  const no = (cond: unknown, what: string, hint: string): void => {
    if (cond) throw usageError(`${what} does not go with -i or --resume-all`, hint);
  };
  no(args._.length > 0, 'a URL on the command line', 'list it in the job file');
  no(args.output !== undefined, '-o', 'give each job its "output" in the job file, or use -d DIR');
  no(args.expect !== undefined, '--expect', 'give each job its "expect" in the job file');
  no(args.mirror.length > 0, '--mirror', 'give each job its "mirrors" in the job file');
  no(args.checksumUrl !== undefined || args.autoChecksum, '--checksum-url or --auto-checksum', 'give each job its "expect" in the job file');
  no(args.passwordStdin || (args.user !== undefined && !args.user.includes(':')), '--user without a password', 'use --user USER:PASSWORD, --netrc or -H');
  no(args.input !== undefined && args.resumeAll, '--resume-all', 'run the job file, or resume, not both');
  if (!(Number.isInteger(args.jobs) && args.jobs >= 1 && args.jobs <= 256)) throw usageError(`--jobs ${args.jobs}: expected 1 to 256`);
  if (args.perHost !== undefined && !(Number.isInteger(args.perHost) && args.perHost >= 1)) throw usageError(`--per-host ${args.perHost}: expected a whole number ≥ 1`);
  if (!(Number.isInteger(args.segments) && args.segments >= 1 && args.segments <= 64)) throw usageError(`--segments ${args.segments}: expected 1 to 64`);
  if (args.cacheMax !== undefined && args.cache === undefined) throw usageError('--cache-max needs --cache');
}

/** `$XDG_STATE_HOME/dlkit/NAME`, else `~/.local/state/dlkit/NAME`. */
function stateFile(env: Record<string, string | undefined>, name: string): string | undefined {
  const dir = xdgDir(env, 'state');
  return dir && join(dir, name);
}

function cacheDir(given: string, ctx: CommandContext): string {
  if (given !== '') return resolve(ctx.io.cwd, given);
  const dir = xdgDir(ctx.io.env, 'cache');
  if (dir === undefined) throw usageError('--cache without DIR needs XDG_CACHE_HOME or HOME', 'give --cache DIR');
  return dir;
}

async function listedJobs(args: Args, ctx: CommandContext): Promise<BatchJob[]> {
  const name = args.input === '-' ? '<stdin>' : args.input!;
  const text = args.input === '-' ? await readText(ctx.io.stdin) : await readFile(resolve(ctx.io.cwd, name), 'utf8').catch((err: unknown) => Promise.reject(fsError(err, name, 'read')));
  const parsed = parseJobs(text);
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const planned = planJobs(parsed.jobs, { cwd: ctx.io.cwd, dir: resolve(ctx.io.cwd, args.dir ?? '.'), shard });
  reportProblems(name, [...parsed.problems, ...planned.problems], args.strict, ctx);
  return planned.jobs;
}

function reportProblems(name: string, problems: JobLineProblem[], strict: boolean, ctx: CommandContext): void {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  for (const p of sorted) ctx.warn('DL_WARN_JOB_LINE', `${name}:${p.line}: ${p.message}${strict ? '' : ' (line skipped)'}`);
  if (strict && sorted.length > 0) throw usageError(`${name}: ${sorted.length} malformed job line${sorted.length > 1 ? 's' : ''}, first at line ${sorted[0]!.line}`, 'fix the lines, or drop --strict to skip them');
}

async function resumedJobs(historyPath: string | undefined, ctx: CommandContext): Promise<BatchJob[]> {
  if (historyPath === undefined) throw usageError('--resume-all needs XDG_STATE_HOME or HOME to find the history');
  const interrupted = await readInterrupted(historyPath);
  const parsed: (ParsedJob & { key: string })[] = [];
  for (const j of interrupted) {
    if (j.resumable) parsed.push({ line: j.job.line, key: j.key, spec: { ...j.job, priority: j.job.priority ?? 0 } });
    else ctx.warn('DL_WARN_NOT_RESUMABLE', `${j.job.output}: journaled without its credentials; run its job list again`);
  }
  const { jobs } = planJobs(parsed, { cwd: ctx.io.cwd, dir: ctx.io.cwd });
  return jobs.map((job, n) => ({ ...job, key: parsed[n]!.key }));
}

async function listInterrupted(historyPath: string | undefined, args: Args, ctx: CommandContext): Promise<number> {
  const jobs: InterruptedJob[] = historyPath === undefined ? [] : await readInterrupted(historyPath);
  const line = (j: InterruptedJob): string => (args.json ? `${JSON.stringify(j)}\n` : `${j.time}  ${j.key}  ${j.job.url}  ${j.job.output}${j.resumable ? '' : '  (not resumable)'}\n`);
  await writeOut(ctx.io.stdout, jobs.map(line).join(''));
  return 0;
}

async function execute(jobs: BatchJob[], args: Args, ctx: CommandContext, store: ContentStore | undefined, historyPath: string | undefined): Promise<BatchSummary> {
  const base = sharedDownload(args, ctx);
  const source = await sourceFor(args, ctx, base);
  const journal = historyPath === undefined ? undefined : await openHistory(historyPath);
  const metrics = args.metricsFile === undefined ? undefined : new BatchMetrics();
  const metricsFile = metrics && startMetricsFile(resolve(ctx.io.cwd, args.metricsFile!), () => metrics.families());
  const results = resultWriter(ctx.io.stdout, (r) => (args.json ? resultJson(r) : resultLine(r, ctx.io.cwd)));
  try {
    const summary = await executeBatch(jobs, {
      base, source: source.fetch, skipExisting: args.skipExisting, store, journal, metrics,
      concurrency: args.jobs, perHost: args.perHost, failFast: args.failFast, signal: ctx.signal, secrets: source.secrets,
      emit: (e) => ctx.progress.emit(e),
      onResult: results.write,
    });
    await results.flushed();
    return summary;
  } finally {
    await base.dispatcher.close();
    await journal?.close();
    await metricsFile?.close();
  }
}

/**
 * Writes each job's result line as the job ends; flushed() waits for the last one and
 * throws the first failed write (EPIPE: the reader went away), so no line is lost or
 * silently dropped before the summary and the exit.
 */
function resultWriter(out: Writable, format: (r: JobResult) => string): { write: (r: JobResult) => void; flushed: () => Promise<void> } {
  let failure: unknown;
  let last = Promise.resolve();
  return {
    // A stream calls back in write order, so the last write settles after all others.
    write: (r) => void (last = writeOut(out, format(r)).catch((err: unknown) => void (failure ??= err))),
    flushed: async () => {
      await last;
      if (failure !== undefined) throw failure;
    },
  };
}

function sharedDownload(args: Args, ctx: CommandContext): SharedDownload {
  const connections = args.perHost ?? Math.max(32, args.jobs * args.segments);
  return {
    dispatcher: createDispatcher({ proxy: args.proxy, env: ctx.io.env, warn: ctx.warn, insecure: args.insecure, connectTimeoutMs: args.timeout * 1000, connections }),
    ...transferOptions(args),
    resume: args.resume,
    restart: args.restart,
    keepBad: args.keepBad,
    fsync: args.fsync,
    directIo: args.directIo,
  };
}

/** How each download moves its bytes, the same in single-URL and batch mode. */
export function transferOptions(args: Args): Pick<SharedDownload, 'segments' | 'minSplitBytes' | 'retry' | 'stallTimeoutMs' | 'limiter'> {
  return {
    segments: args.segments,
    minSplitBytes: parseByteSize(args.minSplit, '--min-split'),
    retry: { ...DEFAULT_RETRY_POLICY, retries: args.retries, maxTotalMs: args.retryMaxTime * 1000 },
    stallTimeoutMs: args.timeout * 1000,
    // One bucket for the run: --limit-rate caps all downloads together, not each one.
    limiter: args.limitRate === undefined ? undefined : createRateLimiter(parseByteSize(args.limitRate, '--limit-rate')),
  };
}

/** The logins besides --user, the same in single-URL and batch mode: DL_BEARER_TOKEN, netrc, cookies. */
export function loginInputs(args: Args, io: Io): Pick<CredentialInputs, 'bearer' | 'netrcFile' | 'cookieFile'> {
  const netrcFile = args.netrcFile ?? (args.netrc && io.env.HOME ? resolve(io.env.HOME, '.netrc') : undefined);
  return {
    bearer: io.env.DL_BEARER_TOKEN || undefined,
    netrcFile: netrcFile && resolve(io.cwd, netrcFile),
    cookieFile: args.cookie && resolve(io.cwd, args.cookie),
  };
}

/** Each job's URL (resolver schemes resolved) and credentials: -H, the job's headers, logins. */
async function sourceFor(args: Args, ctx: CommandContext, base: SharedDownload): Promise<{ fetch: FetchContext['source']; secrets: readonly string[] }> {
  const { io } = ctx;
  const colon = args.user?.indexOf(':') ?? -1;
  const inputs: CredentialInputs = {
    basic: args.user === undefined ? undefined : { user: args.user.slice(0, colon), password: args.user.slice(colon + 1) },
    ...loginInputs(args, io),
  };
  const common = await loadCredentials({ ...inputs, headers: args.header });
  const fetch: FetchContext['source'] = async (job, signal) => {
    const src = await resolveSource(job.spec.url, { env: io.env, dispatcher: base.dispatcher, signal });
    if (src.bearer === undefined && job.spec.headers === undefined) return { url: src.url, credentials: common };
    const headers = [...(args.header ?? []), ...(job.spec.headers ?? [])];
    // A resolver's token is the only login for its host, as in single-URL mode.
    const own = src.bearer === undefined ? { ...inputs, headers } : { headers, bearer: src.bearer, cookieFile: inputs.cookieFile };
    return { url: src.url, credentials: await loadCredentials(own) };
  };
  return { fetch, secrets: common.secrets };
}
