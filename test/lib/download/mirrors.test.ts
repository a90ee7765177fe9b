import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { downloadToStream } from '../../../src/lib/download/download-stream.js';
import { startFaultServer, type FaultServer } from '../../servers/fault-server.js';
import { seededBytes } from '../../servers/seeded-random.js';
import { harness } from './harness.js';

const body = seededBytes(3 * 1024 * 1024, 55);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('mirrors', () => {
  let origin: FaultServer;
  let mirror: FaultServer;
  let h: ReturnType<typeof harness>;
  let dir: string;
  beforeAll(async () => {
    origin = await startFaultServer({ routes: { '/f': { body, rate: 8 * 1024 * 1024 } } });
    mirror = await startFaultServer({
      routes: {
        '/f': { body, rate: 8 * 1024 * 1024 },
        '/short': { body: body.subarray(1) },
        '/other-etag': { body, etag: '"not-the-same"' },
        '/broken': { body, faults: () => ({ kind: 'status', status: 500 }) },
      },
    });
  });
  afterAll(async () => {
    await Promise.all([origin.close(), mirror.close()]);
  });
  beforeEach(async () => {
    h = harness();
    dir = await h.tempDir();
  });
  afterEach(() => h.close());

  it('spreads segments over the URL and its mirror', async () => {
    const before = [origin.bytesFor('/f'), mirror.bytesFor('/f')];
    const target = join(dir, 'm.bin');
    await downloadToFile(h.options(`${origin.url}/f`, target, { segments: 4, minSplitBytes: 128 * 1024, mirrors: [`${mirror.url}/f`], expect: { sha256: sha(body) } }));
    expect(sha(await readFile(target))).toBe(sha(body));
    expect(origin.bytesFor('/f') - before[0]!).toBeGreaterThan(0);
    expect(mirror.bytesFor('/f') - before[1]!).toBeGreaterThan(body.length / 8);
  });

  it.each(['/short', '/other-etag', '/broken'])('drops a mirror that disagrees or fails (%s) and finishes from the others', async (path) => {
    const target = join(dir, 'd.bin');
    await downloadToFile(
      h.options(`${origin.url}/f`, target, {
        segments: 4,
        minSplitBytes: 128 * 1024,
        mirrors: [`${mirror.url}${path}`],
        retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5, factor: 2, maxTotalMs: 5000 },
        expect: { sha256: sha(body) },
      }),
    );
    expect(sha(await readFile(target))).toBe(sha(body));
    expect(h.ofType('warn').map((w) => w.code)).toContain('DL_WARN_MIRROR_DROPPED');
  });

  it('serves pieces for an ordered stream too', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await downloadToStream({ ...h.options(`${origin.url}/f`, '-', { segments: 4, minSplitBytes: 128 * 1024, mirrors: [`${mirror.url}/broken`], retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2, factor: 2, maxTotalMs: 2000 } }), out });
    expect(sha(Buffer.concat(chunks))).toBe(sha(body));
  });
});
