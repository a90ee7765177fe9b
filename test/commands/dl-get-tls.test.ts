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
  let certFile: string;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
    const [key, cert] = [join(tmp.dir, 'k.pem'), join(tmp.dir, 'c.pem')];
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    expect(r.status).toBe(0);
    certFile = cert;
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

  it('trusts the certificates NODE_EXTRA_CA_CERTS names, as bin/<tool>.js hands them over (DLKIT_EXTRA_CA_CERTS): no --insecure needed', async () => {
    const trusted = await dlGet([...FAST, '-o', join(tmp.dir, 'x1'), url], { env: { DLKIT_EXTRA_CA_CERTS: certFile } });
    expect(trusted.code).toBe(0);
    expect(trusted.events.some((e) => e.type === 'warn')).toBe(false);
    expect(sha256(await readFile(join(tmp.dir, 'x1')))).toBe(sha256(body));
  });

  it('a NODE_EXTRA_CA_CERTS file that cannot be read is warned about and ignored, as Node does: the certificate is still refused', async () => {
    const missing = join(tmp.dir, 'no-such.pem');
    const refused = await dlGet([...FAST, '-o', join(tmp.dir, 'x2'), url], { env: { DLKIT_EXTRA_CA_CERTS: missing } });
    expect(refused.code).toBe(69);
    expect(refused.events.find((e) => e.type === 'warn')).toMatchObject({ code: 'DL_WARN_EXTRA_CA_CERTS' });
    expect(String(refused.events.find((e) => e.type === 'warn')?.message)).toContain(missing);
    expect(refused.events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_TLS' });
  });

  it('through an https_proxy tunnel too: refused without --insecure, fetched with it or with the certificate trusted', async () => {
    const proxy = await startConnectProxy();
    try {
      const env = { https_proxy: proxy.url };
      const refused = await dlGet([...FAST, '-o', join(tmp.dir, 'p1'), url], { env });
      expect(refused.code).toBe(69);
      expect(refused.events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_TLS' });
      const insecure = await dlGet([...FAST, '--insecure', '-o', join(tmp.dir, 'p2'), url], { env });
      expect(insecure.code).toBe(0);
      expect(sha256(await readFile(join(tmp.dir, 'p2')))).toBe(sha256(body));
      const trusted = await dlGet([...FAST, '-o', join(tmp.dir, 'p3'), url], { env: { ...env, DLKIT_EXTRA_CA_CERTS: certFile } });
      expect(trusted.code).toBe(0);
      expect(sha256(await readFile(join(tmp.dir, 'p3')))).toBe(sha256(body));
      expect(proxy.tunnels).toBeGreaterThanOrEqual(3);
    } finally {
      await proxy.close();
    }
  });
});
