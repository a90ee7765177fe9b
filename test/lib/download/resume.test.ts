import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { dlGetCheckpoints } from '../../../src/lib/download/file-checkpoint.js';
import { createHasher } from '../../../src/lib/hash/create-hasher.js';
import { strongEtag } from '../../servers/fault-server.js';
import { seededBytes } from '../../servers/seeded-random.js';
import { faultServerSuite } from './harness.js';

const body = seededBytes(2 * 1024 * 1024, 33);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sha256 = sha(body);

describe('resume', () => {
  const t = faultServerSuite();

  /** Starts a throttled download and aborts it once about `bytes` are on disk. */
  async function interrupted(p: string, target: string, bytes: number, segments: number): Promise<void> {
    const ac = new AbortController();
    const opts = t.h.options(`${t.srv.url}${p}`, target, { segments, minSplitBytes: 64 * 1024, signal: ac.signal, checkpointIntervalMs: 50 });
    opts.emit = (e) => void (e.type === 'progress' && e.bytes >= bytes && ac.abort());
    await expect(downloadToFile(opts)).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED' });
  }

  it.each([1, 4])('continues after an interruption with %i segment(s), re-fetching only what was missing', async (segments) => {
    const p = `/resume${segments}`;
    t.srv.route(p, { body, rate: 256 * 1024 });
    const target = join(t.dir, 'r.bin');
    await interrupted(p, target, 300_000, segments);
    const sentBefore = t.srv.bytesFor(p);
    expect((await readdir(t.dir)).sort()).toEqual(['r.bin.part', 'r.bin.part.json']);
    const cp = await dlGetCheckpoints.load(`${target}.part.json`);
    expect(cp.status).toBe('ok');
    t.srv.route(p, { body, rate: 1024 * 1024 });
    const reqsBefore = t.srv.stats.requests.length;
    const r = await downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { segments, expect: { sha256 } }));
    expect(sha(await readFile(target))).toBe(sha256);
    const resumed = t.srv.stats.requests.slice(reqsBefore);
    expect(resumed[0]!.headers['if-range']).toBe(strongEtag(body));
    expect(resumed[0]!.headers.range).not.toBe('bytes=0-');
    // Only the missing bytes came again (plus what was in flight when aborted).
    const secondRun = t.srv.bytesFor(p) - sentBefore;
    expect(secondRun).toBeLessThan(body.length - 250_000);
    expect(r.fetched).toBeLessThan(body.length);
    expect(t.h.ofType('start').at(-1)!.resumeFrom).toBeGreaterThan(0);
  });

  it('keeps the hasher state in the checkpoint (crc32: its hasher exports one) and continues the digest from it', async () => {
    const p = '/hashstate';
    t.srv.route(p, { body, rate: 256 * 1024 });
    const crc = await createHasher('crc32');
    crc.update(body);
    const expected = { crc32: crc.digest() };
    const target = join(t.dir, 't.h.bin');
    const ac = new AbortController();
    const first = t.h.options(`${t.srv.url}${p}`, target, { segments: 1, signal: ac.signal, checkpointIntervalMs: 50, expect: expected });
    first.emit = (e) => void (e.type === 'progress' && e.bytes >= 300_000 && ac.abort());
    await expect(downloadToFile(first)).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED' });
    const cp = await dlGetCheckpoints.load(`${target}.part.json`);
    const hash = cp.status === 'ok' ? cp.checkpoint.state.hash : undefined;
    expect(hash?.bytes).toBeGreaterThan(0);
    expect(Object.keys(hash?.states ?? {})).toEqual(['crc32']);
    t.srv.route(p, { body });
    const r = await downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { segments: 3, minSplitBytes: 64 * 1024, expect: expected }));
    expect(r.digests.crc32).toBe(expected.crc32);
    expect(sha(await readFile(target))).toBe(sha256);
  });

  it('finalizes a complete part on 416 without fetching, and re-hashes it', async () => {
    const p = '/complete';
    t.srv.route(p, { body });
    const target = join(t.dir, 'c.bin');
    await writeFile(`${target}.part`, body);
    await dlGetCheckpoints.save(`${target}.part.json`, {
      identity: { type: 'http', url: `${t.srv.url}${p}`, etag: strongEtag(body), size: body.length },
      state: { done: [[0, body.length]] },
    });
    const r = await downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { segments: 4, expect: { sha256 } }));
    expect(r).toMatchObject({ status: 416, fetched: 0, bytes: body.length });
    expect(t.srv.bytesFor(p)).toBe(0);
    expect(await readdir(t.dir)).toEqual(['c.bin']);
  });

  it('starts over, with a warning, from a corrupt checkpoint or a part without one; --no-resume ignores both', async () => {
    const p = '/corrupt';
    t.srv.route(p, { body });
    const target = join(t.dir, 'x.bin');
    await writeFile(`${target}.part`, Buffer.alloc(1000, 7));
    await writeFile(`${target}.part.json`, '{"format":"dlkit-checkpoint","kind":"dl-get"');
    await downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { expect: { sha256 } }));
    expect(t.h.ofType('warn')[0]).toMatchObject({ code: 'DL_WARN_CHECKPOINT' });
    await writeFile(`${target}.part`, Buffer.alloc(1000, 7));
    await downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { expect: { sha256 }, resume: false }));
    expect(sha(await readFile(target))).toBe(sha256);
  });

  it('restarts when the server answers 200 to If-Range because the file changed', async () => {
    const p = '/changed';
    t.srv.route(p, { body, rate: 1024 * 1024 });
    const target = join(t.dir, 'ch.bin');
    await interrupted(p, target, 500_000, 1);
    const next = seededBytes(body.length, 77);
    t.srv.route(p, { body: next });
    await expect(downloadToFile(t.h.options(`${t.srv.url}${p}`, target, { restart: false }))).rejects.toMatchObject({ code: 'DL_ERR_SOURCE_CHANGED', exitCode: 75 });
    await downloadToFile(t.h.options(`${t.srv.url}${p}`, target));
    expect(sha(await readFile(target))).toBe(sha(next));
    expect(t.h.ofType('warn').some((w) => w.code === 'DL_WARN_RESTART')).toBe(true);
  });
});
