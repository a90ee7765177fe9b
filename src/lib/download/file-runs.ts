import { ByteRanges } from '../checkpoint/byte-ranges.js';
import type { HttpIdentity } from '../checkpoint/source-identity.js';
import type { PartFile } from '../fs/part-file.js';
import { fsError } from '../fs/fs-error.js';
import type { Algorithm, Digests } from '../hash/algorithms.js';
import { contentLength, type HttpResponse } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import { retryAsync } from '../retry/retry-async.js';
import { consumeBody } from './consume-body.js';
import type { DownloadOptions } from './download-options.js';
import { DownloadState } from './download-state.js';
import { CheckpointSaver, type HashState } from './file-checkpoint.js';
import { MirrorSet } from './mirror-set.js';
import { partWriters, type PartWriters } from './part-writers.js';
import { startProgress } from './progress-ticker.js';
import { requestWhole } from './range-request.js';
import { retryEmitter } from './retry-events.js';
import { runSegments } from './run-segments.js';
import { SegmentPlan } from './segment-plan.js';
import { hasValidator } from './source-check.js';

export interface RunOutcome {
  total: number;
  digests: Digests;
  fetched: number;
  /** A checkpoint was written for the part during this run. */
  checkpointed: boolean;
}

/** How a run treats the disk: checkpoint interval, fdatasync before checkpoints and the rename, O_DIRECT. */
export interface DiskPolicy {
  checkpointMs: number;
  fsync: boolean;
  direct: boolean;
}

const algorithmsOf = (opts: DownloadOptions): Algorithm[] => Object.keys(opts.expect ?? {}) as Algorithm[];

/**
 * Fetches the missing ranges of a known-size file into its part, segment by segment,
 * checkpointing the done ranges (when the source has a validator) every interval and
 * once more when stopped by a failure or an abort.
 */
export async function runRanged(
  opts: DownloadOptions,
  part: PartFile,
  opened: { res: HttpResponse | undefined; identity: HttpIdentity; done: ByteRanges; hash?: HashState },
  disk: DiskPolicy,
): Promise<RunOutcome> {
  const { identity, done } = opened;
  const fh = await part.open();
  let saver: CheckpointSaver | undefined;
  let writers: PartWriters | undefined;
  try {
    await fh.truncate(identity.size).catch((err: unknown) => Promise.reject(fsError(err, part.partPath, 'write')));
    const state = await DownloadState.create(fh, part.partPath, done, algorithmsOf(opts), opened.hash);
    writers = await partWriters(fh, part.partPath, { size: identity.size, connections: opts.segments, direct: disk.direct });
    if (hasValidator(identity)) saver = new CheckpointSaver(fh, part, identity, () => done, disk.fsync, () => state.follower?.saveState());
    saver?.start(disk.checkpointMs);
    const plan = new SegmentPlan(done.missing(identity.size), opts.minSplitBytes);
    const seg = opened.res ? plan.take() : undefined;
    const progress = startProgress(opts.id, opts.emit, () => done.done, identity.size, opts.now);
    try {
      const first = seg && opened.res ? { seg, res: opened.res } : undefined;
      const at = writers.at;
      await runSegments({ opts, writerAt: (position) => at(position, state.written), plan, sources: new MirrorSet(opts.url, opts.mirrors ?? [], identity), first });
    } finally {
      progress.stop();
      await saver?.stop();
    }
    // Saved after success too: verification may still be interrupted, and a rerun then
    // needs only a 416 and a re-hash instead of the whole transfer. Not for a download
    // that ended within one checkpoint interval: fetching it again costs less than the
    // fsyncs of a save (a batch of small files would pay them for every file).
    if (saver?.saved) await saver.save().catch(() => undefined);
    return { total: identity.size, digests: await state.digests(), fetched: state.fetched, checkpointed: saver?.saved ?? false };
  } catch (err) {
    await saver?.save().catch(() => undefined);
    throw err;
  } finally {
    await writers?.close();
    await fh.close();
  }
}

/**
 * One stream from byte 0, for a server that answered 200: nothing is ever spliced, so a
 * failed attempt starts again from zero (no checkpoint: a rerun cannot resume either).
 */
export async function runWhole(opts: DownloadOptions, part: PartFile, first: HttpResponse, total: number | null, disk: DiskPolicy): Promise<RunOutcome> {
  const fh = await part.open();
  const writers = await partWriters(fh, part.partPath, { size: total, connections: 1, direct: disk.direct });
  let pending: HttpResponse | undefined = first;
  let state: DownloadState | undefined;
  const bytes = () => state?.done.done ?? 0;
  const progress = startProgress(opts.id, opts.emit, bytes, total, opts.now);
  try {
    return await retryAsync(
      async (signal) => {
        // The opening answer may be a 206 from byte 0 (a server without validators).
        const res = pending ?? (await requestWhole(opts, opts.url, signal ?? opts.signal));
        if (res !== pending && res.status !== 200) throw await statusError(res, redactUrl(opts.url));
        // Each attempt is a fresh download: its own length, not the first answer's (the
        // file may have changed in between).
        const length = res === pending ? total : contentLength(res);
        pending = undefined;
        state = await DownloadState.create(fh, part.partPath, new ByteRanges(), algorithmsOf(opts));
        const seg = { start: 0, end: length ?? Number.POSITIVE_INFINITY, received: 0 };
        await consumeBody(res.body, seg, writers.at(0, state.written), opts.limiter, signal ?? opts.signal);
        await fh.truncate(seg.received).catch((err: unknown) => Promise.reject(fsError(err, part.partPath, 'write')));
        return { total: seg.received, digests: await state.digests(), fetched: state.fetched, checkpointed: false };
      },
      opts.retry,
      { signal: opts.signal, onRetry: retryEmitter(opts.id, opts.emit, opts.credentials?.secrets) },
    );
  } finally {
    progress.stop();
    await writers.close();
    await fh.close();
  }
}
