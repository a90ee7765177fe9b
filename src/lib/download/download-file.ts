import { ByteRanges } from '../checkpoint/byte-ranges.js';
import { sameIdentity, type HttpIdentity } from '../checkpoint/source-identity.js';
import { DlError, ExitCode, isDlError } from '../errors/dl-error.js';
import { preparePartFile, type PartFile } from '../fs/part-file.js';
import { discardBody, drainBody } from '../http/http-request.js';
import { redactUrl } from '../redact/redact-url.js';
import type { DownloadOptions, DownloadResult } from './download-options.js';
import { dlGetCheckpoints, type HashState } from './file-checkpoint.js';
import { runRanged, runWhole, type DiskPolicy, type RunOutcome } from './file-runs.js';
import { verifyAndFinalize } from './finish-file.js';
import { openSource, type Opening } from './open-source.js';
import { canSplice } from './source-check.js';

export interface FileDownloadOptions extends DownloadOptions {
  /** The final path; bytes go to `TARGET.part` until complete and verified. */
  target: string;
  /** Continue from a matching checkpoint (default true). */
  resume?: boolean;
  /** When the source changed since the checkpoint: start over (true) or fail (false). */
  restart?: boolean;
  /** On a digest mismatch keep the .part (its checkpoint is removed either way). */
  keepBad?: boolean;
  checkpointIntervalMs?: number;
  /**
   * fdatasync the part before each checkpoint and fsync it before the rename (default
   * true): a power loss can then never leave a checkpoint claiming bytes the disk lost,
   * nor a final file with holes. false writes at page-cache speed, like curl and aria2c;
   * checkpoints then survive crashes of the process, not of the machine.
   */
  fsync?: boolean;
  /**
   * Write files of 64 MiB and more past the page cache (O_DIRECT) on ext4, XFS and btrfs
   * (default true): the disk takes the bytes from our buffers instead of the kernel copying
   * them into the cache and writing them back. false keeps every write buffered.
   */
  directIo?: boolean;
}

interface Prior {
  identity: HttpIdentity;
  done: ByteRanges;
  hash?: HashState;
}

const MAX_RESTARTS = 2;

/**
 * Downloads `url` to `target`: resumes from the checkpoint when the source is provably
 * the same, restarts from zero when it changed (unless told not to), fetches the missing
 * ranges over `segments` connections or one stream, verifies, then renames into place.
 */
export async function downloadToFile(opts: FileDownloadOptions): Promise<DownloadResult> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const part = await preparePartFile(opts.target, { overwrite: true });
  let prior = opts.resume === false ? await discard(part) : await loadPrior(part, opts);
  for (let restarts = 0; ; restarts++) {
    const gap = prior?.done.missing(prior.identity.size)[0];
    const from = prior ? (gap?.[0] ?? prior.identity.size) : 0;
    const opening = await openSource(opts, opts.url, from, prior?.identity, gap?.[1]);
    try {
      const run = await runOpening(opts, part, opening, prior, from);
      if (run === 'restart') throw changed(opts, 'the server no longer serves the same file');
      const checkpointed = prior !== undefined || run.outcome.checkpointed;
      await verifyAndFinalize(part, run.outcome.digests, opts.expect ?? {}, { ...opts, fsync: opts.fsync ?? true, checkpointed });
      const durationMs = now() - t0;
      const result = { bytes: run.outcome.total, path: opts.target, digests: run.outcome.digests, durationMs, status: run.status, fetched: run.outcome.fetched };
      opts.emit({ type: 'end', id: opts.id, ...result, ...(durationMs > 0 ? { rate: Math.round((result.fetched * 1000) / durationMs) } : {}) });
      return result;
    } catch (err) {
      // An answer never read would hold its connection (and dispatcher.close) forever.
      if (opening.kind !== 'unsatisfiable') discardBody(opening.res);
      if (!isDlError(err) || err.code !== 'DL_ERR_SOURCE_CHANGED' || opts.restart === false || restarts >= MAX_RESTARTS) throw err;
      opts.emit({ type: 'warn', id: opts.id, code: 'DL_WARN_RESTART', message: `${err.message}; starting over from byte 0` });
      prior = await discard(part);
    }
  }
}

async function runOpening(
  opts: FileDownloadOptions,
  part: PartFile,
  opening: Opening,
  prior: Prior | undefined,
  from: number,
): Promise<{ outcome: RunOutcome; status: number } | 'restart'> {
  const disk: DiskPolicy = { checkpointMs: opts.checkpointIntervalMs ?? 1000, fsync: opts.fsync ?? true, direct: opts.directIo ?? true };
  if (opening.kind === 'unsatisfiable') {
    const size = prior?.identity.size ?? 0;
    if ((prior ? prior.done.covers(size) : true) && (opening.total ?? size) === size) {
      startEvent(opts, size, from);
      const opened = { res: undefined, identity: prior?.identity ?? emptyIdentity(opts), done: prior?.done ?? new ByteRanges(), hash: prior?.hash };
      return { outcome: await runRanged(opts, part, opened, disk), status: 416 };
    }
    return 'restart';
  }
  if (opening.kind === 'ranged') {
    if (prior && !sameIdentity(prior.identity, opening.identity)) {
      await drainBody(opening.res);
      return 'restart';
    }
    if (!prior && !canSplice(opening.identity)) {
      startEvent(opts, opening.total, 0);
      return { outcome: await runWhole(opts, part, opening.res, opening.total, disk), status: 206 };
    }
    startEvent(opts, opening.total, from);
    const opened = { res: opening.res, identity: opening.identity, done: prior?.done ?? new ByteRanges(), hash: prior?.hash };
    return { outcome: await runRanged(opts, part, opened, disk), status: 206 };
  }
  if (prior && prior.done.done > 0) {
    if (opts.restart === false && !sameIdentity(prior.identity, opening.identity)) {
      await drainBody(opening.res);
      throw changed(opts, 'its validator changed');
    }
    opts.emit({ type: 'warn', id: opts.id, code: 'DL_WARN_RESTART', message: 'the server sent the whole file instead of the missing range (changed, or no range support): starting over from byte 0' });
    await discard(part);
  }
  startEvent(opts, opening.total, 0);
  return { outcome: await runWhole(opts, part, opening.res, opening.total, disk), status: 200 };
}

function startEvent(opts: FileDownloadOptions, total: number | null, resumeFrom: number): void {
  opts.emit({ type: 'start', id: opts.id, total, url: redactUrl(opts.url), path: opts.target, segments: opts.segments, resumeFrom });
}

const emptyIdentity = (opts: FileDownloadOptions): HttpIdentity => ({ type: 'http', url: redactUrl(opts.url), size: 0 });

async function discard(part: PartFile): Promise<undefined> {
  await part.discard();
  return undefined;
}

/** The checkpoint, if it is valid and its ranges fit the part file on disk. */
async function loadPrior(part: PartFile, opts: FileDownloadOptions): Promise<Prior | undefined> {
  const loaded = await dlGetCheckpoints.load(part.checkpointPath);
  const partSize = await part.size();
  const warn = (message: string): void => opts.emit({ type: 'warn', id: opts.id, code: 'DL_WARN_CHECKPOINT', message });
  if (loaded.status === 'none') {
    if (partSize > 0) warn(`${part.partPath} has no checkpoint, so none of it can be trusted: starting over`);
    return partSize > 0 ? discard(part) : undefined;
  }
  if (loaded.status === 'invalid') {
    warn(`checkpoint ${part.checkpointPath} is unusable (${loaded.message}): starting over`);
    return discard(part);
  }
  const { identity, state } = loaded.checkpoint;
  const done = ByteRanges.from(state.done);
  const end = done.ranges.at(-1)?.[1] ?? 0;
  if (identity.type !== 'http' || end > partSize || end > identity.size) {
    warn(`checkpoint ${part.checkpointPath} does not match ${part.partPath}: starting over`);
    return discard(part);
  }
  return { identity, done, ...(state.hash ? { hash: state.hash } : {}) };
}

function changed(opts: FileDownloadOptions, why: string): DlError {
  return new DlError(`${redactUrl(opts.url)} changed since the partial download: ${why}`, {
    code: 'DL_ERR_SOURCE_CHANGED',
    exitCode: ExitCode.TEMP_FAIL,
    retryable: false,
    hint: opts.restart === false ? 'rerun without --no-restart (or with --no-resume) to start over' : 'run again to start over',
  });
}
