import { DlError } from '../errors/dl-error.js';
import type { EventInput } from '../events/types.js';
import type { DeviceIdentity, SourceIdentity } from '../checkpoint/source-identity.js';
import type { RateLimiter } from '../streams/rate-limit.js';
import { BLOCK_DIGEST_ALGORITHM, BlockDigests, DIGEST_BLOCK_SIZE } from './block-digests.js';
import { DeviceWriter } from './device-writer.js';
import { driveIdentity } from './drive.js';
import { checkpointMatches, flashCheckpointPath, flashCheckpointStore, type FlashState } from './flash-checkpoint.js';
import type { ImageSource } from './image-source.js';
import type { DeviceHandle } from './open-device.js';
import { sourceChangedError, verifyDrives } from './verify-drives.js';
import { digestSource } from './verify-only.js';
import { writeImage } from './write-image.js';

export interface FlashJobOptions {
  source: ImageSource;
  sourceIdentity: SourceIdentity;
  handles: readonly DeviceHandle[];
  /** Where checkpoints live; undefined: none. */
  checkpointDir?: string;
  resume: boolean;
  verify: boolean;
  blockSize: number;
  inFlight: number;
  limiter?: RateLimiter;
  checkpointEveryMs?: number;
  signal: AbortSignal;
  emit: (e: EventInput) => void;
  warn: (code: string, message: string, id?: string) => void;
}

export interface FlashResult {
  /** The image's size: bytes on each drive. */
  size: number;
  /** Where the write started (> 0 after a resume). */
  resumedFrom: number;
  /** Drives dropped after failing, with why. */
  failed: { device: string; error: DlError }[];
  /** XXH3-64 over the block digests of the image; '' when none were taken (a file, --no-verify). */
  digest: string;
}

interface Resume {
  from: number;
  /** The digests of [0, from), when this run takes digests. */
  digests: BlockDigests | undefined;
}

/**
 * Write one image to every drive, checkpointing as it goes, then read every drive back.
 * A matching checkpoint resumes: a file is read from there on; a stream is read through
 * from the start without writing, and its skipped bytes must hash to the saved digests.
 */
export async function flashJob(o: FlashJobOptions): Promise<FlashResult> {
  const devices = o.handles.map((h) => driveIdentity(h.drive));
  const path = o.checkpointDir === undefined ? undefined : flashCheckpointPath(o.checkpointDir, devices);
  // Digests are taken while writing only when something reads them: the verify pass, or a
  // later resume of a stream (which cannot be read twice) checking the bytes it skips. A
  // file written with --no-verify is not hashed: that was ~15% of the CPU of such a write.
  const hashing = o.verify || o.source.readAt === undefined;
  const { from, digests } = await loadResume(o, path, devices, hashing);
  const began = Date.now();
  const targets = o.handles.map((h) => h.drive.path);
  o.emit({ type: 'start', id: o.source.name, total: o.source.size, source: o.source.name, targets, resumedFrom: from });
  const writers = o.handles.map((h) => new DeviceWriter(h));
  const skipped = from > 0 && o.source.readAt === undefined ? await BlockDigests.create() : undefined;
  let checkedSkip = skipped === undefined;
  // Before the first byte is written (or at the end, if the stream ended in the skipped part).
  const checkSkipped = (): void => {
    if (checkedSkip || !digests) return;
    checkedSkip = true;
    if (skipped?.finish().firstDifference(digests) !== -1) throw sourceChangedError(o.source.name);
  };
  // Runs while writing goes on: the digests may be ahead of `position`; save its prefix.
  const save = async (position: number): Promise<void> => {
    if (!path || position === 0 || position % DIGEST_BLOCK_SIZE !== 0 || position > (digests?.bytes ?? Infinity)) return;
    const state: FlashState = { devices, position, size: o.source.size, blockSize: DIGEST_BLOCK_SIZE, ...(digests ? { digests: digests.prefixBase64(position), digestAlgorithm: BLOCK_DIGEST_ALGORITHM } : {}) };
    await flashCheckpointStore.save(path, { identity: o.sourceIdentity, state });
  };
  const result = await writeImage({
    source: o.source,
    writers,
    ranges: [[from, Infinity]],
    signal: o.signal,
    blockSize: o.blockSize,
    inFlight: o.inFlight,
    ...(o.limiter ? { limiter: o.limiter } : {}),
    checkpointEveryMs: o.checkpointEveryMs ?? 2000,
    onCheckpoint: save,
    onSkipped: (bytes) => skipped?.add(bytes),
    ...(digests
      ? {
          observe: (bytes: Uint8Array) => {
            checkSkipped();
            digests.add(bytes);
          },
        }
      : {}),
    onProgress: (w) => o.emit({ type: 'progress', id: w.path, bytes: from + w.written, total: o.source.size, phase: 'write' }),
    onDrop: (w, e) => o.warn('DL_WARN_DRIVE_FAILED', `${w.path} dropped: ${e.message}`, w.path),
  });
  // Aborted once the source had ended (a stage before this one failed as it closed the
  // pipe): the checkpoint stays and nothing is claimed verified.
  o.signal.throwIfAborted();
  checkSkipped();
  if (o.source.size !== null && o.source.size < from) throw sourceChangedError(o.source.name);
  digests?.finish();
  if (path) await flashCheckpointStore.remove(path);
  const live = o.handles.filter((_, i) => !result.failed.has(writers[i]!));
  if (o.verify && digests) await verifyDrives(live, { expected: digests, size: result.end, source: o.source, signal: o.signal, emit: o.emit });
  const failed = [...result.failed].map(([w, error]) => ({ device: w.path, error }));
  const summary = digests?.summary() ?? '';
  for (const h of live) o.emit({ type: 'end', id: h.drive.path, bytes: result.end, durationMs: Date.now() - began });
  o.emit({ type: 'end', id: o.source.name, bytes: result.end, durationMs: Date.now() - began, resumedFrom: from, ...(summary ? { digest: summary } : {}), failed: failed.map((f) => f.device) });
  return { size: result.end, resumedFrom: from, failed, digest: summary };
}

async function loadResume(o: FlashJobOptions, path: string | undefined, devices: readonly DeviceIdentity[], hashing: boolean): Promise<Resume> {
  const fresh = async (): Promise<Resume> => ({ from: 0, digests: hashing ? await BlockDigests.create() : undefined });
  if (!path) return fresh();
  const loaded = await flashCheckpointStore.load(path);
  if (loaded.status === 'none') return fresh();
  if (loaded.status === 'invalid') {
    o.warn('DL_WARN_CHECKPOINT_INVALID', `ignoring checkpoint ${path}: ${loaded.message}`);
    return fresh();
  }
  const { checkpoint } = loaded;
  if (!o.resume || !checkpointMatches(checkpoint, o.sourceIdentity, devices, DIGEST_BLOCK_SIZE)) {
    if (o.resume) o.warn('DL_WARN_CHECKPOINT_STALE', `starting over: the checkpoint at ${path} is for another image or drive`);
    return fresh();
  }
  const { position, blockSize, digests } = checkpoint.state;
  if (!hashing) return { from: position, digests: undefined };
  if (digests !== undefined) return { from: position, digests: await BlockDigests.restore({ blockSize, digests }) };
  // Written from a file with --no-verify, verified now: the file gives the prefix's digests again.
  if (!o.source.readAt) return fresh();
  return { from: position, digests: await digestSource(o.source, o.signal, position) };
}
