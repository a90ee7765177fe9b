import { DlError, ExitCode, integrityError } from '../errors/dl-error.js';
import type { EventInput } from '../events/types.js';
import { BLOCK_DIGEST_ALGORITHM, type BlockDigests } from './block-digests.js';
import type { ImageSource } from './image-source.js';
import type { DeviceHandle } from './open-device.js';
import { firstBadByte, readBackDigests } from './read-back.js';

export interface VerifyOptions {
  /** Block digests of the image (taken while writing, or from the source). */
  expected: BlockDigests;
  size: number;
  /** Seekable sources let a bad block be narrowed to its first bad byte. */
  source?: ImageSource;
  signal?: AbortSignal;
  emit: (e: EventInput) => void;
}

export interface DriveVerdict {
  device: string;
  ok: boolean;
  /** First offset known bad: the exact byte with a seekable source, else its block's start. */
  badOffset?: number;
}

/**
 * Reads every drive back (all at once, each bypassing the page cache) and compares block
 * digests with the image's. Emits progress and one `verify` event per drive; throws
 * DL_ERR_INTEGRITY (65) naming the first bad offset of the first bad drive.
 */
export async function verifyDrives(handles: readonly DeviceHandle[], opts: VerifyOptions): Promise<DriveVerdict[]> {
  const verdicts = await Promise.all(handles.map((h) => verifyOne(h, opts)));
  const bad = verdicts.find((v) => !v.ok);
  if (bad) {
    const others = verdicts.filter((v) => !v.ok).length - 1;
    throw integrityError(
      `verify failed: ${bad.device} differs from the image, first bad byte at offset ${bad.badOffset ?? '?'}${others > 0 ? ` (and ${others} more drive(s) differ)` : ''}`,
      { device: bad.device, offset: bad.badOffset },
      'the drive may be failing or counterfeit (smaller than it claims); try another one',
    );
  }
  return verdicts;
}

async function verifyOne(h: DeviceHandle, opts: VerifyOptions): Promise<DriveVerdict> {
  const device = h.drive.path;
  const total = opts.size;
  opts.emit({ type: 'progress', id: device, bytes: 0, total, phase: 'verify' });
  const actual = await readBackDigests(h, {
    size: total,
    digestBlockSize: opts.expected.blockSize,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (bytes) => opts.emit({ type: 'progress', id: device, bytes, total, phase: 'verify' }),
  });
  const block = actual.firstDifference(opts.expected);
  const expectedDigest = opts.expected.summary();
  // What was read back may match an image that an aborted run never finished receiving.
  opts.signal?.throwIfAborted();
  opts.emit({ type: 'verify', id: device, algorithm: BLOCK_DIGEST_ALGORITHM, expected: expectedDigest, actual: actual.summary(), ok: block < 0 });
  if (block < 0) return { device, ok: true };
  return { device, ok: false, badOffset: await locate(h, block, opts) };
}

async function locate(h: DeviceHandle, block: number, opts: VerifyOptions): Promise<number> {
  const start = block * opts.expected.blockSize;
  const length = Math.min(opts.expected.blockSize, opts.size - start);
  if (!opts.source?.readAt || length <= 0) return start;
  const expected = await opts.source.readAt(start, length);
  const at = await firstBadByte(h, expected, start);
  return at < 0 ? start : at;
}

export const sourceChangedError = (what: string): DlError =>
  new DlError(`${what} is not the image the checkpoint was written from`, {
    code: 'DL_ERR_SOURCE_CHANGED',
    exitCode: ExitCode.INTEGRITY,
    hint: 'give the same image, or add --no-resume to start over',
  });
