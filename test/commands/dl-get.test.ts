import { execFileSync, spawn } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectProxy } from '../servers/connect-proxy.js';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { seededBytes } from '../servers/seeded-random.js';
import { dlGet, FAST, sha256, tempDir } from './dl-get-harness.js';

const body = seededBytes(2 * 1024 * 1024 + 333, 5);
const digest = sha256(body);

describe('dl-get', () => {
  let srv: FaultServer;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    srv = await startFaultServer({ routes: { '/f.bin': { body } } });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await srv.close();
    await tmp.cleanup();
  });

  it('downloads to -o FILE with 4 segments, verifies, and emits valid events', async () => {
    const out = join(tmp.dir, 'a.bin');
    const r = await dlGet([...FAST, '-s', '4', '-k', '64k', '--expect', `sha256:${digest}`, '-o', out, `${srv.url}/f.bin`]);
    expect(r.code).toBe(0);
    expect(sha256(await readFile(out))).toBe(digest);
    const types = r.events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types).toContain('verify');
    expect(types.at(-1)).toBe('end');
    expect(r.events[0]).toMatchObject({ total: body.length, segments: 4, resumeFrom: 0 });
    expect(r.events.at(-1)).toMatchObject({ bytes: body.length, status: 206, path: out, digests: { sha256: digest } });
  });

  it('writes into a named pipe or a character device named by -o, leaving the node in place; a block device is refused (77)', async () => {
    const fifo = join(tmp.dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const copy = spawn('sh', ['-c', `cat '${fifo}' > '${fifo}.copy'`]);
    const copied = new Promise((ok) => copy.on('exit', ok));
    const r = await dlGet([...FAST, '-s', '4', '-k', '64k', '-o', fifo, `${srv.url}/f.bin`]);
    await copied;
    expect(r.code).toBe(0);
    expect(sha256(await readFile(`${fifo}.copy`))).toBe(digest);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    if (process.getuid?.() !== 0) return; // mknod needs root
    const nul = join(tmp.dir, 'null');
    execFileSync('mknod', ['-m', '666', nul, 'c', '1', '3']);
    expect((await dlGet([...FAST, '-o', nul, `${srv.url}/f.bin`])).code).toBe(0);
    expect(lstatSync(nul).isCharacterDevice()).toBe(true);
    // A loop device number no loop device uses: refused before any request.
    const blk = join(tmp.dir, 'blk');
    execFileSync('mknod', [blk, 'b', '7', '250']);
    const before = srv.stats.requests.length;
    const refused = await dlGet([...FAST, '-o', blk, `${srv.url}/f.bin`]);
    expect(refused.code).toBe(77);
    expect(refused.stderr).toMatch(/is a block device.*dl-flash/s);
    expect(srv.stats.requests.length).toBe(before);
    expect(lstatSync(blk).isBlockDevice()).toBe(true);
  });

  it('streams to stdout in order when stdout is a pipe, with segments', async () => {
    const r = await dlGet([...FAST, '-s', '4', '-k', '64k', `${srv.url}/f.bin`]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(body.length);
    expect(sha256(r.stdout)).toBe(digest);
  });
});

describe('dl-get options against the fault server', () => {
  let a: FaultServer;
  let b: FaultServer;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    a = await startFaultServer();
    b = await startFaultServer();
    tmp = await tempDir();
    b.route('/cdn/model.bin', { body });
    a.route('/locked', { body, auth: { basic: 'alice:s3cret' } });
    a.route('/bearer', { body, auth: { bearer: 'tok-123456' } });
    a.route('/cookie', { body, auth: { cookie: 'sid=c00kie' } });
    a.route('/forbidden', { body, auth: { forbidden: true } });
    a.route('/named', { body, contentDisposition: "attachment; filename=\"x.bin\"; filename*=UTF-8''..%2F..%2F..%2Fetc%2F.evil%07%00%1B.bin" });
    a.route('/hf/owner/repo/resolve/main/dir/model.bin', { redirect: { location: `${b.url}/cdn/model.bin` }, auth: { bearer: 'hf_secret' } });
    a.route('/api/download/models/123', { redirect: { location: `${b.url}/cdn/model.bin` }, auth: { bearer: 'civ_secret' } });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await tmp.cleanup();
  });

  it('401 fails at once (exit 69) with a credentials hint and no retries; --user gets in', async () => {
    const before = a.stats.requests.length;
    const denied = await dlGet([...FAST, '-o', join(tmp.dir, 'l1'), `${a.url}/locked`]);
    expect(denied.code).toBe(69);
    expect(a.stats.requests.length - before).toBe(1);
    expect(denied.events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_HTTP_401', hint: expect.stringContaining('--user') });
    expect(denied.events.some((e) => e.type === 'retry')).toBe(false);
    const ok = await dlGet([...FAST, '-u', 'alice:s3cret', '-o', join(tmp.dir, 'l2'), `${a.url}/locked`]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toContain('s3cret');
    expect((await dlGet([...FAST, '-o', join(tmp.dir, 'l3'), `${a.url}/forbidden`])).code).toBe(69);
    const piped = await dlGet([...FAST, '-u', 'alice', '--password-stdin', '-o', join(tmp.dir, 'l4'), `${a.url}/locked`], { stdin: 's3cret\n' });
    expect(piped.code).toBe(0);
    expect((await dlGet([...FAST, '-u', 'alice', '-o', join(tmp.dir, 'l5'), `${a.url}/locked`])).code).toBe(64);
  });

  it('takes DL_BEARER_TOKEN, a netrc file and a Netscape cookie file', async () => {
    expect((await dlGet([...FAST, '-o', join(tmp.dir, 'b1'), `${a.url}/bearer`], { env: { DL_BEARER_TOKEN: 'tok-123456' } })).code).toBe(0);
    const netrc = join(tmp.dir, 'netrc');
    await writeFile(netrc, 'machine 127.0.0.1 login alice password s3cret\n');
    expect((await dlGet([...FAST, '--netrc-file', netrc, '-o', join(tmp.dir, 'n1'), `${a.url}/locked`])).code).toBe(0);
    const jar = join(tmp.dir, 'cookies.txt');
    await writeFile(jar, '127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tc00kie\n');
    expect((await dlGet([...FAST, '--cookie', jar, '-o', join(tmp.dir, 'c1'), `${a.url}/cookie`])).code).toBe(0);
  });

  it('takes credentials from the URL and never shows them, nor tokens in the query', async () => {
    const host = a.url.replace('http://', '');
    const ok = await dlGet([...FAST, '-o', join(tmp.dir, 'u1'), `http://alice:s3cret@${host}/locked`]);
    expect(ok.code).toBe(0);
    expect(JSON.stringify(ok.events)).not.toContain('s3cret');
    const missing = await dlGet(['--progress', 'none', '-o', join(tmp.dir, 'u2'), `http://alice:s3cret@${host}/nope?token=tok-SECRET-1&x=1`]);
    expect(missing.code).toBe(69);
    expect(missing.stderr).toContain('dl-get:');
    expect(missing.stderr).not.toMatch(/s3cret|tok-SECRET-1/);
    const bearer = await dlGet([...FAST, '-H', 'Authorization: Bearer tok-123456', '-o', join(tmp.dir, 'u3'), `${a.url}/nope`]);
    expect(bearer.stderr).not.toContain('tok-123456');
  });

  it('-d DIR names the file safely from a hostile Content-Disposition', async () => {
    const d = join(tmp.dir, 'named');
    await mkdir(d);
    const r = await dlGet([...FAST, '-d', d, `${a.url}/named`]);
    expect(r.code).toBe(0);
    expect(await readdir(d)).toEqual(['evil.bin']);
  });

  it('resolves hf:// and civitai:// with their tokens, which do not follow the redirect to the CDN', async () => {
    const d = join(tmp.dir, 'res');
    await mkdir(d);
    const hf = await dlGet([...FAST, '-d', d, 'hf://owner/repo/dir/model.bin'], { env: { HF_ENDPOINT: `${a.url}/hf`, HF_TOKEN: 'hf_secret' } });
    expect(hf.code).toBe(0);
    expect(sha256(await readFile(join(d, 'model.bin')))).toBe(digest);
    const civ = await dlGet([...FAST, '-o', join(d, 'civ.bin'), 'civitai://123'], { env: { CIVITAI_ENDPOINT: a.url, CIVITAI_TOKEN: 'civ_secret' } });
    expect(civ.code).toBe(0);
    expect(b.stats.requests.every((q) => q.headers.authorization === undefined)).toBe(true);
    expect(a.stats.requests.filter((q) => q.path.startsWith('/hf/')).every((q) => q.headers.authorization === 'Bearer hf_secret')).toBe(true);
  });

  it('exits 65 on --expect mismatch and leaves no file; usage errors exit 64', async () => {
    const out = join(tmp.dir, 'bad.bin');
    const r = await dlGet([...FAST, '--expect', `sha256:${'0'.repeat(64)}`, '-o', out, `${b.url}/cdn/model.bin`]);
    expect(r.code).toBe(65);
    expect((await readdir(tmp.dir)).filter((f) => f.startsWith('bad.bin'))).toEqual([]);
    expect((await dlGet(['-o', 'x', 'ftp://example.com/x'])).code).toBe(64);
    expect((await dlGet(['--expect', 'sha256:12', '-o', 'x', `${b.url}/cdn/model.bin`])).code).toBe(64);
    expect((await dlGet([])).code).toBe(64);
    expect((await dlGet(['-o', tmp.dir, `${b.url}/cdn/model.bin`])).code).toBe(64);
  });

  it('holds --limit-rate across all segments within 10%', async () => {
    const rate = 1024 * 1024;
    const t0 = Date.now();
    const r = await dlGet([...FAST, '-s', '4', '-k', '64k', '--limit-rate', '1M', '-o', join(tmp.dir, 'rl'), `${b.url}/cdn/model.bin`]);
    const secs = (Date.now() - t0) / 1000;
    expect(r.code).toBe(0);
    // The bucket starts with a 1/20 s burst; the rest is paced.
    const expected = body.length / rate;
    expect(secs).toBeGreaterThan(expected * 0.9);
    expect(secs).toBeLessThan(expected * 1.1 + 0.3);
  });

  it('checks against a published checksum: --checksum-url, --auto-checksum (SUMS list), mismatch 65, none 66', async () => {
    b.route('/pub/model.bin', { body });
    b.route('/pub/SHA256SUMS', { body: Buffer.from(`${'1'.repeat(64)}  other.bin\n${digest}  model.bin\n`) });
    b.route('/pub/model.bin.sha256', { auth: { forbidden: true } });
    b.route('/one.sha256', { body: Buffer.from(`${digest}\n`) });
    b.route('/bad.sha256', { body: Buffer.from(`${'0'.repeat(64)}  model.bin\n`) });
    const auto = await dlGet([...FAST, '--auto-checksum', '-o', join(tmp.dir, 'p1'), `${b.url}/pub/model.bin`]);
    expect(auto.code).toBe(0);
    expect(auto.events.find((e) => e.type === 'verify')).toMatchObject({ algorithm: 'sha256', ok: true });
    expect((await dlGet([...FAST, '--checksum-url', `${b.url}/one.sha256`, '-o', join(tmp.dir, 'p2'), `${b.url}/pub/model.bin`])).code).toBe(0);
    expect((await dlGet([...FAST, '--checksum-url', `${b.url}/bad.sha256`, '-o', join(tmp.dir, 'p3'), `${b.url}/pub/model.bin`])).code).toBe(65);
    expect((await dlGet([...FAST, '--auto-checksum', '-o', join(tmp.dir, 'p4'), `${b.url}/cdn/model.bin`])).code).toBe(66);
  });

  it('goes through a proxy from http_proxy, and --proxy', async () => {
    const proxy = await startConnectProxy();
    try {
      const r = await dlGet([...FAST, '-o', join(tmp.dir, 'px1'), `${b.url}/cdn/model.bin`], { env: { http_proxy: proxy.url } });
      expect(r.code).toBe(0);
      expect(await dlGet([...FAST, '--proxy', proxy.url, '-o', join(tmp.dir, 'px2'), `${b.url}/cdn/model.bin`]).then((x) => x.code)).toBe(0);
      expect(proxy.tunnels).toBeGreaterThanOrEqual(2);
      const before = proxy.tunnels;
      const bypass = await dlGet([...FAST, '-o', join(tmp.dir, 'px3'), `${b.url}/cdn/model.bin`], { env: { http_proxy: proxy.url, no_proxy: '127.0.0.1' } });
      expect(bypass.code).toBe(0);
      expect(proxy.tunnels).toBe(before);
    } finally {
      await proxy.close();
    }
  });
});
