import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { seededBytes, seededRandom } from '../../servers/seeded-random.js';
import { faultServerSuite, type Harness } from './harness.js';

const body = seededBytes(1024 * 1024 + 4321, 21);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sha256 = sha(body);

describe('downloadToFile under faults', () => {
  const t = faultServerSuite();
  let n = 0;
  const path = () => `/p${++n}`;

  const get = async (p: string, over: Parameters<Harness['options']>[2] = {}) => {
    const target = join(t.dir, 'out.bin');
    const result = await downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { segments: 4, expect: { sha256 }, ...over }));
    expect(sha(await readFile(target))).toBe(sha256);
    return result;
  };

  it('honours Retry-After on 503 and 429', async () => {
    const p = path();
    t.srv.route(p, { body, faults: [{ kind: 'status', status: 503, retryAfter: '1' }, { kind: 'status', status: 429, retryAfter: '0' }] });
    await get(p, { segments: 1 });
    const retries = t.h.ofType('retry');
    expect(retries[0]).toMatchObject({ attempt: 1 });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(retries[0]!.reason).toMatch(/503/);
  });

  it('survives random 500s and resets (seeded)', async () => {
    const p = path();
    const rand = seededRandom(42);
    t.srv.route(p, { body, faults: () => (rand() < 0.3 ? { kind: 'status', status: 500 } : rand() < 0.3 ? { kind: 'reset', afterBytes: Math.floor(rand() * 200_000) } : undefined) });
    await get(p, { retry: { retries: 20, minDelayMs: 1, maxDelayMs: 10, factor: 2, maxTotalMs: 20_000 } });
  });

  it('falls back to one stream when the server ignores Range (never spliced)', async () => {
    const p = path();
    t.srv.route(p, { body, ranges: false, advertiseRanges: true });
    const r = await get(p);
    expect(r.status).toBe(200);
    expect(t.srv.stats.requests.filter((q) => q.path === p)).toHaveLength(1);
  });

  it('retries a segment answered 200 instead of splicing it', async () => {
    const p = path();
    t.srv.route(p, { body, faults: (_req, i) => (i === 1 || i === 2 ? { kind: 'ignore-range' } : undefined) });
    await get(p, { minSplitBytes: 64 * 1024 });
    expect(t.h.ofType('retry').some((e) => /whole file/.test(e.reason))).toBe(true);
  });

  it('retries a short body (Content-Length not met) and a stalled one', async () => {
    const p = path();
    t.srv.route(p, { body, faults: [{ kind: 'short', afterBytes: 1000 }, { kind: 'stall', afterBytes: 5000, ms: 3000 }] });
    await get(p, { segments: 1, stallTimeoutMs: 300 });
    expect(t.h.ofType('retry').length).toBe(2);
  });

  it('reports 401 at once with a credentials hint: one request, no retries', async () => {
    const p = path();
    t.srv.route(p, { body, auth: { basic: 'u:p' } });
    await expect(get(p)).rejects.toMatchObject({ code: 'DL_ERR_HTTP_401', exitCode: 69, hint: expect.stringMatching(/--user/) });
    expect(t.srv.stats.requests.filter((q) => q.path === p)).toHaveLength(1);
    expect(t.h.ofType('retry')).toHaveLength(0);
    expect(await readdir(t.dir)).toEqual([]);
  });

  it('never pieces together a file without ETag or Last-Modified, even when a same-size change slips in', async () => {
    const p = path();
    const next = seededBytes(body.length, 1234);
    t.srv.route(p, { body, etag: null, rate: 4 * 1024 * 1024, faults: (_req, i) => void (i === 0 && setImmediate(() => t.srv.route(p, { body: next, etag: null }))) });
    const target = join(t.dir, 'nv.bin');
    const r = await downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { segments: 4, minSplitBytes: 16 * 1024 }));
    expect(sha(await readFile(target))).toBe(sha256);
    expect(t.srv.stats.requests.filter((q) => q.path === p)).toHaveLength(1);
    expect(r.bytes).toBe(body.length);
  });

  it('restarts from zero when the file changes mid-download, or fails with restart: false', async () => {
    const next = seededBytes(body.length + 10, 99);
    for (const restart of [true, false]) {
      const p = path();
      // The content changes right after the first request: the other segments see a new ETag.
      t.srv.route(p, { body, rate: 2 * 1024 * 1024, faults: (_req, i) => void (i === 0 && setImmediate(() => t.srv.route(p, { body: next }))) });
      const target = join(t.dir, `chg-${restart}.bin`);
      const run = downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { segments: 4, minSplitBytes: 16 * 1024, restart }));
      if (restart) {
        const r = await run;
        expect(sha(await readFile(target))).toBe(sha(next));
        expect(r.bytes).toBe(next.length);
        expect(t.h.ofType('warn').some((w) => w.code === 'DL_WARN_RESTART')).toBe(true);
      } else {
        await expect(run).rejects.toMatchObject({ code: 'DL_ERR_SOURCE_CHANGED' });
        expect(await readdir(t.dir)).not.toContain(`chg-${restart}.bin`);
      }
    }
  });
});
