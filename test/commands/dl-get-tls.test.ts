import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectProxy } from '../servers/connect-proxy.js';
import { dlGet, FAST, sha256, tempDir } from './dl-get-harness.js';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
const body = Buffer.alloc(100_000, 9);

describe.skipIf(!haveOpenssl)('dl-get over TLS (self-signed certificate made by openssl)', () => {
  let server: Server;
  let url: string;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
    const [key, cert] = [join(tmp.dir, 'k.pem'), join(tmp.dir, 'c.pem')];
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    expect(r.status).toBe(0);
    server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) => res.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/f`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await tmp.cleanup();
  });

  it('refuses an unverifiable certificate at once (69), and --insecure gets through with a warning', async () => {
    const refused = await dlGet([...FAST, '-o', join(tmp.dir, 'a'), url]);
    expect(refused.code).toBe(69);
    expect(refused.events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_TLS' });
    expect(refused.events.some((e) => e.type === 'retry')).toBe(false);
    const insecure = await dlGet([...FAST, '--insecure', '-o', join(tmp.dir, 'b'), url]);
    expect(insecure.code).toBe(0);
    expect(insecure.events.find((e) => e.type === 'warn')).toMatchObject({ code: 'DL_WARN_INSECURE' });
    expect(sha256(await readFile(join(tmp.dir, 'b')))).toBe(sha256(body));
  });

  it('through an https_proxy tunnel too: refused without --insecure, fetched with it', async () => {
    const proxy = await startConnectProxy();
    try {
      const env = { https_proxy: proxy.url };
      const refused = await dlGet([...FAST, '-o', join(tmp.dir, 'p1'), url], { env });
      expect(refused.code).toBe(69);
      expect(refused.events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_TLS' });
      const insecure = await dlGet([...FAST, '--insecure', '-o', join(tmp.dir, 'p2'), url], { env });
      expect(insecure.code).toBe(0);
      expect(sha256(await readFile(join(tmp.dir, 'p2')))).toBe(sha256(body));
      expect(proxy.tunnels).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });
});
