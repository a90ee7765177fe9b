import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lastValueFrom, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { byteMeter } from '../../../src/lib/streams/byte-meter.js';
import { pipelineObservable } from '../../../src/lib/streams/pipeline-observable.js';
import { createRateLimiter, throttleBytes } from '../../../src/lib/streams/rate-limit.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const RATE = 50_000_000; // 50 MB/s: 1 GiB takes ~21.5 s

/**
 * The acceptance test of the bytes/events boundary: a source far faster than its
 * consumer must not pile chunks up anywhere. /dev/zero hands out a fresh buffer per
 * read, so anything that kept chunks (an RxJS buffer, an unbounded queue) would show up
 * in RSS. vitest's forks pool runs this file in its own process, so RSS is ours alone.
 */
describe('pipelineObservable memory bound', () => {
  it('moves 1 GiB from /dev/zero into a 50 MB/s consumer with RSS growth under 64 MiB', async ({ annotate }) => {
    const limiter = createRateLimiter(RATE);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let events = 0;
    let lastProgress = 0;
    const start = performance.now();
    try {
      const result = await lastValueFrom(
        pipelineObservable(async ({ signal, emit }) => {
          let received = 0;
          await pipeline(
            createReadStream('/dev/zero', { end: GiB - 1 }),
            throttleBytes(limiter),
            // One event per MiB: enough to show events flow alongside without flooding.
            byteMeter((total, chunk) => {
              if (Math.floor(total / MiB) > Math.floor((total - chunk) / MiB)) {
                emit({ type: 'progress', id: '/dev/zero', bytes: total, total: GiB });
              }
            }),
            new Writable({ write: (c: Buffer, _e, cb) => ((received += c.length), cb()) }),
            { signal },
          );
          return received;
        }).pipe(
          tap((out) => {
            if (out.kind === 'event' && out.event.type === 'progress') (events++, (lastProgress = out.event.bytes));
          }),
        ),
      );
      expect(result).toEqual({ kind: 'result', value: GiB });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - start) / 1000;
    const growthMiB = (peak - baseline) / MiB;
    await annotate(
      `RSS growth ${growthMiB.toFixed(1)} MiB (baseline ${(baseline / MiB).toFixed(0)} MiB), ` +
        `${seconds.toFixed(1)} s, ${((GiB / seconds) / 1e6).toFixed(1)} MB/s, ${events} progress events`,
    );
    expect(events).toBe(1024);
    expect(lastProgress).toBe(GiB);
    expect(growthMiB).toBeLessThan(64);
    // The limiter, not the source, set the pace (the source alone runs at GB/s).
    expect(seconds).toBeGreaterThan((GiB / RATE) * 0.9);
  }, 90_000);
});
