import type { BenchTarget } from './bench-target.js';
import { measureThroughput, type BenchMode, type Measurement } from './measure-throughput.js';
import { patternBuffers, type Pattern } from './pattern-buffers.js';
import { pickBest } from './pick-best.js';

const KiB = 1024;
/** 4 KiB to 16 MiB, doubling: 13 sizes. */
export const SWEEP_SIZES: readonly number[] = Array.from({ length: 13 }, (_, i) => 4 * KiB * 2 ** i);

export interface SweepRow extends Measurement {
  blockSize: number;
}

export interface SweepResult {
  rows: SweepRow[];
  best: SweepRow;
}

export interface SweepOptions {
  mode: BenchMode;
  pattern: Pattern;
  /** Bytes per size, from offset 0. */
  size: number;
  /** Longest time per size: small blocks on a slow card would take ages. */
  maxMsPerSize: number;
  iodepth: number;
  sizes?: readonly number[];
  signal: AbortSignal;
  /** Runs one size's measurement (to wrap it in events); default: runs it as is. */
  measure?: (blockSize: number, run: (onProgress: (bytes: number) => void) => Promise<Measurement>) => Promise<Measurement>;
}

/**
 * Throughput per block size over the same region, each size measured in turn, and the
 * best one (the smallest within 5% of the fastest). Every size is reported, however slow.
 */
export async function sweepBlockSizes(target: BenchTarget, opts: SweepOptions): Promise<SweepResult> {
  const rows: SweepRow[] = [];
  const measure = opts.measure ?? ((_size, run) => run(() => undefined));
  for (const blockSize of opts.sizes ?? SWEEP_SIZES) {
    const buffers = patternBuffers(opts.pattern, blockSize, opts.iodepth);
    const m = await measure(blockSize, (onProgress) =>
      measureThroughput(target, { ...opts, blockSize, buffers, maxMs: opts.maxMsPerSize, onProgress }));
    rows.push({ blockSize, ...m });
  }
  return { rows, best: pickBest(rows)! };
}
