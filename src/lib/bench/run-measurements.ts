import type { EventInput } from '../events/types.js';
import { sizeArg, statsOf, type BenchResult, type Settings, type TargetInfo } from './bench-result.js';
import type { BenchTarget } from './bench-target.js';
import { sweepBlockSizes } from './block-size-sweep.js';
import { measureThroughput, type Measurement } from './measure-throughput.js';
import { patternBuffers } from './pattern-buffers.js';
import { verifyCapacity } from './verify-capacity.js';

/** What every measurement run needs besides its target. */
export interface RunContext {
  target: BenchTarget;
  info: TargetInfo;
  signal: AbortSignal;
  emit: (e: EventInput) => void;
  /** Stop each measurement after this long. */
  maxMs?: number;
}

/**
 * One measured run as events: `start` named after it, `progress` with the running rate,
 * `end` with the bytes, the time and `bytesPerSecond`.
 */
async function emitted(ctx: RunContext, name: string, total: number, measure: (onProgress: (bytes: number) => void) => Promise<Measurement>): Promise<Measurement> {
  const id = ctx.info.path;
  const t0 = performance.now();
  ctx.emit({ type: 'start', id, name, total });
  const onProgress = (bytes: number): void => {
    const ms = performance.now() - t0;
    ctx.emit({ type: 'progress', id, bytes, total, ...(ms > 0 ? { rate: Math.round((bytes * 1000) / ms) } : {}) });
  };
  const m = await measure(onProgress);
  ctx.emit({ type: 'end', id, bytes: m.bytes, durationMs: m.durationMs, bytesPerSecond: Math.round(m.bytesPerSecond) });
  return m;
}

/** `passes` sequential runs over the same region, with mean, min and max. */
export async function runPasses(ctx: RunContext, s: Settings, passes: number): Promise<BenchResult> {
  const buffers = patternBuffers(s.pattern, s.blockSize, s.iodepth);
  const results: Measurement[] = [];
  for (let pass = 1; pass <= passes; pass++) {
    const name = `${s.mode} ${pass}/${passes}`;
    results.push(await emitted(ctx, name, s.size, (onProgress) =>
      measureThroughput(ctx.target, { ...s, buffers, signal: ctx.signal, onProgress, ...(ctx.maxMs ? { maxMs: ctx.maxMs } : {}) })));
  }
  return { kind: 'throughput', target: ctx.info, settings: s, passes: results, bytesPerSecond: statsOf(results.map((r) => r.bytesPerSecond)) };
}

/** Every size from 4 KiB to 16 MiB over the same region, and the best for dl-flash. */
export async function runSweep(ctx: RunContext, s: Settings, maxMsPerSize: number): Promise<BenchResult> {
  const { rows, best } = await sweepBlockSizes(ctx.target, {
    ...s,
    maxMsPerSize,
    signal: ctx.signal,
    measure: (blockSize, run) => emitted(ctx, `${s.mode} ${sizeArg(blockSize)} blocks`, s.size, run),
  });
  return { kind: 'block-sizes', target: ctx.info, settings: s, rows, best: { ...best, blockSizeArg: sizeArg(best.blockSize) } };
}

/** The f3-style check, with its verdict as a `verify` event (claimed vs usable bytes). */
export async function runCapacity(ctx: RunContext, capacity: number): Promise<BenchResult> {
  const id = ctx.info.path;
  const t0 = performance.now();
  let total = 0;
  ctx.emit({ type: 'start', id, name: 'capacity check', total: null });
  const result = await verifyCapacity(ctx.target, {
    capacity,
    signal: ctx.signal,
    onProgress: (done, all) => {
      total = all;
      ctx.emit({ type: 'progress', id, bytes: done * 4096, total: all * 4096 });
    },
  });
  ctx.emit({ type: 'verify', id, algorithm: 'capacity', actual: String(result.usable), expected: String(result.claimed), ok: result.ok });
  ctx.emit({ type: 'end', id, bytes: total * 4096, durationMs: performance.now() - t0, usable: result.usable, claimed: result.claimed });
  return { kind: 'capacity', target: ctx.info, capacity: result };
}
