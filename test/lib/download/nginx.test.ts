import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { downloadToStream } from '../../../src/lib/download/download-stream.js';
import { dlGetCheckpoints } from '../../../src/lib/download/file-checkpoint.js';
import { nginxSkipReason, startNginx, type Nginx } from '../../servers/nginx.js';
import { seededBytes } from '../../servers/seeded-random.js';
import { harness } from './harness.js';
import { PassThrough } from 'node:stream';

const body = seededBytes(6 * 1024 * 1024 + 99, 3);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(nginxSkipReason())('downloads from nginx (real Range, If-Range, 416)', () => {
  let nginx: Nginx;
  let root: string;
  let h: ReturnType<typeof harness>;
  let dir: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlkit-www-'));
    await writeFile(join(root, 'f.bin'), body);
    nginx = await startNginx({ root, extraConfig: 'location /slow/ { alias ' + root + '/; limit_rate 1m; }' });
  });
  afterAll(async () => {
    await nginx.stop();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    h = harness();
    dir = await h.tempDir();
  });
  afterEach(() => h.close());

  it('fetches with 5 segments and hashes in order', async () => {
    const target = join(dir, 'f.bin');
    const r = await downloadToFile(h.options(`${nginx.url}/f.bin`, target, { segments: 5, minSplitBytes: 256 * 1024, expect: { sha256: sha(body) } }));
    expect(r.status).toBe(206);
    expect(sha(await readFile(target))).toBe(sha(body));
  });

  it('streams in order through the reorder buffer', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await downloadToStream({ ...h.options(`${nginx.url}/f.bin`, '-', { segments: 4, minSplitBytes: 256 * 1024 }), out });
    expect(sha(Buffer.concat(chunks))).toBe(sha(body));
  });

  it('resumes with If-Range, restarts when the file changed, finalizes on 416', async () => {
    const target = join(dir, 'r.bin');
    const ac = new AbortController();
    const first = h.options(`${nginx.url}/slow/f.bin`, target, { segments: 2, minSplitBytes: 256 * 1024, signal: ac.signal, checkpointIntervalMs: 50 });
    first.emit = (e) => void (e.type === 'progress' && e.bytes > 1024 * 1024 && ac.abort());
    await expect(downloadToFile(first)).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED' });
    const cp = await dlGetCheckpoints.load(`${target}.part.json`);
    expect(cp.status === 'ok' && cp.checkpoint.identity.type === 'http' && cp.checkpoint.identity.etag).toBeTruthy();

    const r = await downloadToFile(h.options(`${nginx.url}/slow/f.bin`, target, { segments: 2, minSplitBytes: 256 * 1024, expect: { sha256: sha(body) } }));
    expect(r.fetched).toBeLessThan(body.length - 1024 * 1024);
    expect(h.ofType('start').at(-1)!.resumeFrom).toBeGreaterThan(0);

    // Now a complete part with a valid checkpoint: nginx answers 416 and nothing is fetched.
    await writeFile(`${target}.part`, body);
    await dlGetCheckpoints.save(`${target}.part.json`, cp.status === 'ok' ? { identity: cp.checkpoint.identity, state: { done: [[0, body.length]] } } : (undefined as never));
    const done = await downloadToFile(h.options(`${nginx.url}/slow/f.bin`, target, { expect: { sha256: sha(body) } }));
    expect(done).toMatchObject({ status: 416, fetched: 0 });

    // A changed file (new mtime → new ETag) is not spliced: If-Range gets a 200, we restart.
    await writeFile(`${target}.part`, body.subarray(0, 1000));
    const identity = cp.status === 'ok' ? { ...cp.checkpoint.identity, url: `${nginx.url}/f.bin` } : (undefined as never);
    await dlGetCheckpoints.save(`${target}.part.json`, { identity, state: { done: [[0, 1000]] } });
    const next = seededBytes(body.length, 4);
    await writeFile(join(root, 'f.bin'), next);
    await utimes(join(root, 'f.bin'), new Date(), new Date(Date.now() + 5000));
    const reqs = h.events.length;
    await downloadToFile(h.options(`${nginx.url}/f.bin`, target, { segments: 3 }));
    expect(h.events.slice(reqs).find((e) => e.type === 'start')).toMatchObject({ resumeFrom: 0 });
    expect(sha(await readFile(target))).toBe(sha(next));
    expect(h.ofType('warn').map((w) => w.code)).toContain('DL_WARN_RESTART');
    expect(await readdir(dir)).toEqual(['r.bin']);
    await writeFile(join(root, 'f.bin'), body);
  });
});
