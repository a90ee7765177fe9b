import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from './fault-server.js';
import { nginxSkipReason, startNginx } from './nginx.js';
import { seededBytes } from './seeded-random.js';

const body = seededBytes(300_000, 7);

describe('fault server', () => {
  let srv: FaultServer;
  beforeAll(async () => {
    srv = await startFaultServer({
      routes: {
        '/f': { body },
        '/reset': { body, faults: [{ kind: 'reset', afterBytes: 1000 }] },
        '/busy': { body, faults: [{ kind: 'status', status: 503, retryAfter: '2' }] },
        '/norange': { body, ranges: false },
      },
    });
  });
  afterAll(() => srv.close());

  it('serves ranges, If-Range and 416, and counts bytes', async () => {
    const r = await fetch(`${srv.url}/f`, { headers: { range: 'bytes=10-19' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes 10-19/${body.length}`);
    expect(Buffer.from(await r.arrayBuffer())).toEqual(body.subarray(10, 20));
    const stale = await fetch(`${srv.url}/f`, { headers: { range: 'bytes=10-19', 'if-range': '"old"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    const past = await fetch(`${srv.url}/f`, { headers: { range: `bytes=${body.length}-` } });
    expect(past.status).toBe(416);
    expect(srv.bytesFor('/f')).toBe(10 + body.length);
  });

  it('injects a reset, a 503 with Retry-After and an ignored Range', async () => {
    await expect(fetch(`${srv.url}/reset`).then((r) => r.arrayBuffer())).rejects.toThrow();
    const busy = await fetch(`${srv.url}/busy`);
    expect([busy.status, busy.headers.get('retry-after')]).toEqual([503, '2']);
    const nr = await fetch(`${srv.url}/norange`, { headers: { range: 'bytes=0-0' } });
    expect(nr.status).toBe(200);
    expect((await nr.arrayBuffer()).byteLength).toBe(body.length);
  });
});

describe.skipIf(nginxSkipReason())('nginx launcher', () => {
  it('serves a file with real Range semantics and stops by pid', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dlkit-root-'));
    await writeFile(join(root, 'f.bin'), body);
    const nginx = await startNginx({ root });
    try {
      const r = await fetch(`${nginx.url}/f.bin`, { headers: { range: 'bytes=5-' } });
      expect(r.status).toBe(206);
      expect(Buffer.from(await r.arrayBuffer())).toEqual(body.subarray(5));
    } finally {
      await nginx.stop();
      await rm(root, { recursive: true, force: true });
    }
    expect(() => process.kill(nginx.pid, 0)).toThrow();
  });
});
