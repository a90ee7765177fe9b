import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * bin/dl-get.js run as users run it, through its `#!/bin/sh` line: NODE_EXTRA_CA_CERTS is
 * kept from Node's start (which would parse every root certificate) and trusted by the
 * command at its first TLS connection (src/cli/launch.ts, src/lib/http/extra-ca-certs.ts).
 */
const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'dl-get.js');
const skip = !existsSync(join(REPO, 'dist', 'commands', 'dl-get.cjs'))
  ? 'dist/commands/dl-get.cjs is not built (npm run build)'
  : spawnSync('openssl', ['version']).status !== 0
    ? 'openssl is not installed'
    : undefined;
const body = 'served over TLS\n';
const LSBLK = spawnSync('sh', ['-c', 'command -v lsblk'], { encoding: 'utf8' }).stdout.trim();

describe.skipIf(skip)(`NODE_EXTRA_CA_CERTS through bin/dl-get.js${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let cert: string;
  let https: HttpsServer;
  let http: HttpServer;
  const urls = { https: '', http: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlkit-extra-ca-'));
    const key = join(dir, 'k.pem');
    cert = join(dir, 'c.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    expect(r.status).toBe(0);
    https = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end(body));
    http = createHttpServer((_req, res) => res.end(body));
    for (const [name, server] of [['https', https], ['http', http]] as const) {
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      urls[name] = `${name}://127.0.0.1:${(server.address() as AddressInfo).port}/f`;
    }
  });
  afterAll(async () => {
    for (const server of [https, http]) {
      server?.closeAllConnections();
      await new Promise((done) => server?.close(done));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  // The file itself is executed, as a shell on PATH would; its `exec node` finds this node.
  // Asynchronously: the servers answer from this process.
  const run = (bin: string, args: string[], extraCa: string, path = ''): Promise<{ status: number; stdout: string; stderr: string }> =>
    new Promise((done) => {
      const env = { ...process.env, PATH: `${path}${dirname(process.execPath)}:${process.env.PATH ?? ''}`, XDG_CACHE_HOME: dir, NODE_EXTRA_CA_CERTS: extraCa };
      execFile(bin, args, { env, encoding: 'utf8' }, (err, stdout, stderr) => done({ status: err ? Number(err.code) : 0, stdout, stderr }));
    });
  const dlGet = (url: string, extraCa: string) => run(BIN, ['--progress', 'none', '--retries', '0', '-o', '-', url], extraCa);

  it('trusts the certificate it names over https, without --insecure', async () => {
    const r = await dlGet(urls.https, cert);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(body);
    expect(r.status).toBe(0);
  });

  it('is not read by Node at start: a missing file goes unmentioned when no TLS connection is made', async () => {
    // Node itself, given the variable, warns "Ignoring extra certs from ..." before any command code runs.
    const r = await dlGet(urls.http, join(dir, 'missing.pem'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(body);
    expect(r.status).toBe(0);
  });

  it('every command\'s launcher keeps it from Node\'s start', async () => {
    const bins = Object.values(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).bin as Record<string, string>);
    expect(bins.length).toBeGreaterThanOrEqual(8);
    for (const bin of bins) {
      const r = await run(join(REPO, bin), ['--help'], join(dir, 'missing.pem'));
      expect({ bin, stderr: r.stderr, status: r.status }).toEqual({ bin, stderr: '', status: 0 });
    }
  });

  it.skipIf(!LSBLK)(`child processes get it as it was set (dl-flash --list runs lsblk)${LSBLK ? '' : ' (skipped: no lsblk)'}`, async () => {
    const shims = join(dir, 'shims');
    mkdirSync(shims, { recursive: true });
    const seen = join(dir, 'lsblk-saw');
    // lsblk itself, run through a script first on PATH that notes what it was given.
    writeFileSync(join(shims, 'lsblk'), `#!/bin/sh\nprintf '%s' "$NODE_EXTRA_CA_CERTS" > '${seen}'\nexec '${LSBLK}' "$@"\n`, { mode: 0o755 });
    const r = await run(join(REPO, 'bin', 'dl-flash.js'), ['--list', '--all', '--json'], cert, `${shims}:`);
    expect(r.status).toBe(0);
    expect(readFileSync(seen, 'utf8')).toBe(cert);
  });

  it('a missing file is warned about at the first TLS connection, and the unknown certificate refused (69)', async () => {
    const missing = join(dir, 'missing.pem');
    const r = await dlGet(urls.https, missing);
    expect(r.stderr).toContain(`NODE_EXTRA_CA_CERTS=${missing}`);
    expect(r.stderr).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(r.status).toBe(69);
  });
});
