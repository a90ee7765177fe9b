import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { startFaultServer, type FaultServer } from '../../servers/fault-server.js';
import { seededBytes } from '../../servers/seeded-random.js';
import { harness } from './harness.js';

const body = seededBytes(3 * 1024 * 1024 + 777, 11);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sha256 = sha(body);

describe('downloadToFile against the fault server', () => {
  let srv: FaultServer;
  let h: ReturnType<typeof harness>;
  let dir: string;
  beforeAll(async () => {
    srv = await startFaultServer({ routes: { '/f': { body } } });
  });
  afterAll(() => srv.close());
  beforeEach(async () => {
    await h?.close();
    h = harness();
    dir = await h.tempDir();
  });

  it('downloads with one connection and verifies', async () => {
    const target = join(dir, 'a.bin');
    const r = await downloadToFile(h.options(`${srv.url}/f`, target, { expect: { sha256 } }));
    expect(sha(await readFile(target))).toBe(sha256);
    expect(r.digests.sha256).toBe(sha256);
    expect(await readdir(dir)).toEqual(['a.bin']);
    expect(h.ofType('verify')[0]).toMatchObject({ ok: true, algorithm: 'sha256' });
  });

  it('downloads with 6 segments and work stealing, byte-identical, hashing in order', async () => {
    const target = join(dir, 'b.bin');
    srv.stats.requests.length = 0;
    const r = await downloadToFile(h.options(`${srv.url}/f`, target, { segments: 6, expect: { sha256 } }));
    expect(sha(await readFile(target))).toBe(sha256);
    expect(r.digests.sha256).toBe(sha256);
    expect(srv.stats.requests.filter((q) => q.path === '/f').length).toBeGreaterThanOrEqual(6);
  });

  it('keeps partial data across resets and resumes each segment', async () => {
    // Throttled, so a connection cut on purpose (a stolen tail) has little in flight.
    srv.route('/reset', { body, rate: 8 * 1024 * 1024, faults: (_req, i) => (i < 6 ? { kind: 'reset', afterBytes: 200_000 } : undefined) });
    const target = join(dir, 'c.bin');
    await downloadToFile(h.options(`${srv.url}/reset`, target, { segments: 3, expect: { sha256 } }));
    expect(sha(await readFile(target))).toBe(sha256);
    expect(h.ofType('retry').length).toBeGreaterThan(0);
    // Partial data kept: the file once, plus at most what each reset cut short, plus slack.
    expect(srv.bytesFor('/reset')).toBeLessThan(body.length + 6 * 200_000 + 512 * 1024);
    const resumed = srv.stats.requests.filter((q) => q.path === '/reset').slice(6);
    expect(resumed.some((q) => /^bytes=(\d+)-/.exec(q.headers.range ?? '')?.[1] !== '0')).toBe(true);
  });

  it('exits 65 on a digest mismatch, leaving no final file and no part', async () => {
    const target = join(dir, 'd.bin');
    await expect(downloadToFile(h.options(`${srv.url}/f`, target, { expect: { sha256: '0'.repeat(64) } }))).rejects.toMatchObject({ exitCode: 65 });
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the part on a mismatch with keepBad', async () => {
    const target = join(dir, 'e.bin');
    await expect(downloadToFile(h.options(`${srv.url}/f`, target, { keepBad: true, expect: { sha256: '0'.repeat(64) } }))).rejects.toMatchObject({ exitCode: 65 });
    expect(await readdir(dir)).toEqual(['e.bin.part']);
    expect((await stat(join(dir, 'e.bin.part'))).size).toBe(body.length);
  });
});
