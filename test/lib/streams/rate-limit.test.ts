import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter, throttleBytes } from '../../../src/lib/streams/rate-limit.js';
import type { RateLimiter } from '../../../src/lib/streams/rate-limit.js';

const KiB = 1024;

/** Push `total` bytes in 64 KiB chunks through throttleBytes; resolve with the ms taken. */
async function throttledRun(limiter: RateLimiter, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * KiB);
  async function* source() {
    for (let sent = 0; sent < total; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, total - sent));
  }
  let received = 0;
  const start = performance.now();
  await pipeline(source(), throttleBytes(limiter), new Writable({ write: (c: Buffer, _e, cb) => ((received += c.length), cb()) }));
  expect(received).toBe(total);
  return performance.now() - start;
}

describe('createRateLimiter + throttleBytes (real time, short runs)', () => {
  const rate = 2_000_000;
  const burst = rate / 20; // the default: 1/20 s passes before the first wait

  it('holds one stream to the rate within ±10%', async ({ annotate }) => {
    const total = 3_000_000;
    const ms = await throttledRun(createRateLimiter(rate), total);
    const expectedMs = ((total - burst) / rate) * 1000;
    await annotate(`took ${ms.toFixed(0)} ms, expected ${expectedMs.toFixed(0)} ms`);
    expect(Math.abs(ms - expectedMs) / expectedMs).toBeLessThan(0.1);
  });

  it('shares one budget across two concurrent streams, fairly', async ({ annotate }) => {
    const limiter = createRateLimiter(rate);
    const total = 1_500_000;
    const [a, b] = await Promise.all([throttledRun(limiter, total), throttledRun(limiter, total)]);
    const expectedMs = ((2 * total - burst) / rate) * 1000;
    const both = Math.max(a, b);
    await annotate(`streams took ${a.toFixed(0)} and ${b.toFixed(0)} ms, expected ${expectedMs.toFixed(0)} ms`);
    expect(Math.abs(both - expectedMs) / expectedMs).toBeLessThan(0.1);
    // Interleaved, not one after the other: the first to finish is close to the end too.
    expect(Math.min(a, b) / both).toBeGreaterThan(0.85);
  });

  it('splits a big chunk into views of the same memory, no copies', async () => {
    const big = Buffer.alloc(1024 * KiB, 7);
    const parts: Buffer[] = [];
    await pipeline(
      Readable.from([big]),
      throttleBytes(createRateLimiter(1e12)),
      new Writable({ objectMode: true, write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }),
    );
    expect(parts).toHaveLength(16);
    expect(parts.every((p) => p.length === 64 * KiB && p.buffer === big.buffer)).toBe(true);
    expect(Buffer.concat(parts).equals(big)).toBe(true);
  });

  it('rejects a rate that is not a positive finite number', () => {
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(() => createRateLimiter(bad)).toThrow(expect.objectContaining({ code: 'DL_ERR_USAGE', exitCode: 64 }));
    }
  });
});

describe('RateLimiter.take under abort (virtual time)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an aborted wait rejects as interrupted and gives its bytes back to the others', async () => {
    vi.useFakeTimers();
    const limiter = createRateLimiter(1000, { burstBytes: 1000, now: () => Date.now() });
    await limiter.take(1000); // the burst: no wait
    const ac = new AbortController();
    const waiting = limiter.take(5000, ac.signal); // 5 s of debt
    await vi.advanceTimersByTimeAsync(100);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED' });
    // Without the refund this would wait 5.4 s; with it, the 400 ms the 500 bytes cost.
    let passed = false;
    const next = limiter.take(500).then(() => (passed = true));
    await vi.advanceTimersByTimeAsync(399);
    expect(passed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await next;
    expect(passed).toBe(true);
  });

  it('a pipeline through throttleBytes stops when its signal aborts', async () => {
    const limiter = createRateLimiter(1000, { burstBytes: 1000 });
    const ac = new AbortController();
    const run = pipeline(
      Readable.from([Buffer.alloc(10_000)]),
      throttleBytes(limiter),
      new Writable({ write: (_c, _e, cb) => cb() }),
      { signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 20);
    const start = performance.now();
    await expect(run).rejects.toThrow();
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
