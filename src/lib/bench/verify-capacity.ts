import { randomBytes } from 'node:crypto';
import { allocAligned } from '../device/aligned-pool.js';
import { abortedError, usageError } from '../errors/dl-error.js';
import type { BenchTarget } from './bench-target.js';
import { readSample, sampleOffsets, SAMPLE_SIZE, writeSample, type SampleState } from './capacity-sample.js';

export interface CapacityOptions {
  /** Bytes the drive claims. */
  capacity: number;
  signal: AbortSignal;
  /** Samples written and read so far, of twice their number. */
  onProgress?: (done: number, total: number) => void;
  /** Reads in flight while checking. */
  inFlight?: number;
  samples?: number;
}

export type CheckedSample = SampleState | { kind: 'error'; message: string };

export interface CapacityResult {
  claimed: number;
  /** Bytes below the first sample that did not read back: the size worth trusting. */
  usable: number;
  ok: boolean;
  samples: number;
  good: number;
  /** The first bad sample: its offset and what was found there. */
  firstBad?: { offset: number } & CheckedSample;
}

/**
 * f3-style check of a drive's real size: a tagged sample is written at each grid offset,
 * highest first, then all are read back with O_DIRECT. On a drive that wraps, the lower
 * (real) offsets are written last and hold their own samples, while every offset past
 * the real size reads back a lower one's tag; a drive that drops or fails writes past it
 * reads back garbage or errors. The usable size is the offset of the first bad sample.
 */
export async function verifyCapacity(target: BenchTarget, opts: CapacityOptions): Promise<CapacityResult> {
  // Without O_DIRECT the page cache would answer each read with the bytes just written.
  if (!target.direct) throw usageError(`--verify-capacity needs O_DIRECT, which ${target.path} refused`, 'run it on the drive itself, not a file on tmpfs');
  const offsets = sampleOffsets(opts.capacity, opts.samples);
  const nonce = randomBytes(8).readBigUInt64LE(0);
  const states = new Map<number, CheckedSample>();
  const [buf] = allocAligned(1, SAMPLE_SIZE);
  let done = 0;
  for (const offset of [...offsets].reverse()) {
    if (opts.signal.aborted) throw abortedError();
    writeSample(buf!, nonce, offset);
    await target.fh.write(buf!, 0, SAMPLE_SIZE, offset).catch((err: unknown) => states.set(offset, failed(err)));
    opts.onProgress?.(++done, 2 * offsets.length);
  }
  await target.fh.datasync().catch(() => undefined);
  await readAll(target, offsets, opts, async (offset, read) => {
    if (!states.has(offset)) states.set(offset, await read().then((b) => readSample(b, nonce, offset), failed));
    opts.onProgress?.(++done, 2 * offsets.length);
  });
  return summarize(opts.capacity, offsets, states);
}

const failed = (err: unknown): CheckedSample => ({ kind: 'error', message: err instanceof Error ? err.message : String(err) });

type Visit = (offset: number, read: () => Promise<Buffer>) => Promise<void>;

/** Reads every sample with `inFlight` reads at once, each into its own aligned buffer. */
async function readAll(target: BenchTarget, offsets: readonly number[], opts: CapacityOptions, visit: Visit): Promise<void> {
  const lanes = allocAligned(opts.inFlight ?? 8, SAMPLE_SIZE);
  let next = 0;
  const lane = async (buf: Buffer): Promise<void> => {
    while (next < offsets.length) {
      if (opts.signal.aborted) throw abortedError();
      const offset = offsets[next++]!;
      await visit(offset, async () => {
        const { bytesRead } = await target.fh.read(buf, 0, SAMPLE_SIZE, offset);
        if (bytesRead < SAMPLE_SIZE) throw new Error(`short read (${bytesRead} bytes)`);
        return buf;
      });
    }
  };
  await Promise.all(lanes.map(lane));
}

function summarize(claimed: number, offsets: readonly number[], states: ReadonlyMap<number, CheckedSample>): CapacityResult {
  const badAt = offsets.findIndex((o) => states.get(o)?.kind !== 'good');
  const good = offsets.filter((o) => states.get(o)?.kind === 'good').length;
  if (badAt < 0) return { claimed, usable: claimed, ok: true, samples: offsets.length, good };
  const offset = offsets[badAt]!;
  return { claimed, usable: offset, ok: false, samples: offsets.length, good, firstBad: { offset, ...states.get(offset)! } };
}
