import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as get } from '../../src/commands/stargz-get.js';
import { run as ls } from '../../src/commands/stargz-ls.js';
import { memoryIo } from '../cli/memory-io.js';
import { expected, FIXTURES, type ExpectedImage } from '../lib/stargz/fixtures.js';
import { blobDataPath, pushPlan, registrySkipReason, startRegistry, startTokenFront, type Registry, type TokenFront } from '../servers/registry.js';

const skip = registrySkipReason({ htpasswd: { user: 'u', password: 'p' } });
const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function call(run: typeof ls, argv: string[], opts: { env?: Record<string, string>; stdin?: string } = {}) {
  const m = memoryIo({ env: { HOME: '/nonexistent', ...opts.env } });
  if (opts.stdin !== undefined) m.io.stdin = (await import('node:stream')).Readable.from([Buffer.from(opts.stdin)]);
  const out: Buffer[] = [];
  m.io.stdout.on('data', (c: Buffer) => out.push(c));
  const code = await run([...argv, '--progress', 'none'], m.io);
  return { code, stdout: Buffer.concat(out), stderr: m.stderr() };
}

/** The fields of expected.json's files a listing reproduces. */
const summary = (f: { path: string; type: string; mode: string | null; size?: number; layer: number }) => ({ path: f.path, type: f.type, mode: f.mode, size: f.type === 'dir' || f.type === 'symlink' ? 0 : f.size, layer: f.layer });

describe.skipIf(skip)(`stargz-ls and stargz-get against the distribution registry${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let reg: Registry;
  let dir: string;
  beforeAll(async () => {
    reg = await startRegistry();
    await pushPlan(reg, FIXTURES);
    dir = await mkdtemp(join(tmpdir(), 'stargz-cmd-'));
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const listable = Object.entries(expected.images).filter(([, img]) => img.files && img.expect !== 'error');
  it.each(listable.map(([name, img]) => [name, img] as const))('%s: stargz-ls -R --json lists the merged tree of expected.json', async (_name, img: ExpectedImage) => {
    const platform = img.platform === 'linux/arm64/v8' ? ['--platform', 'linux/arm64'] : [];
    const { code, stdout, stderr } = await call(ls, [`${reg.host}/${img.ref}`, '-R', '--json', ...platform]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const got = stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Parameters<typeof summary>[0]);
    expect(got.map(summary)).toEqual(img.files!.map(summary));
  });

  it.each([
    ['the index resolves to linux/amd64 by default, though arm64 is listed first', [], 'multiarch-amd64'],
    ['--platform linux/arm64/v8 picks the arm64 image', ['--platform', 'linux/arm64/v8'], 'arm64'],
  ])('%s', async (_what, extra, image) => {
    const { code, stdout } = await call(ls, [`${reg.host}/fixtures/multiarch:v1`, '-R', ...extra]);
    expect(code).toBe(0);
    expect(stdout.toString().trim().split('\n')).toEqual(expected.images[image]!.files!.map((f) => f.path));
  });

  it('--layers describes each layer', async () => {
    const { code, stdout } = await call(ls, [`${reg.host}/${expected.images.multi!.refByDigest}`, '--layers', '--json']);
    expect(code).toBe(0);
    const layers = stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { digest: string; format: string; tocDigest: string });
    expect(layers.map((l) => [l.digest, l.format, l.tocDigest])).toEqual(expected.images.multi!.layers!.map((l) => [l.digest, l.format, l.tocDigest]));
  });

  it('a plain gzip layer fails with a message naming the layer (65)', async () => {
    const { code, stderr } = await call(ls, [`${reg.host}/fixtures/plain:v1`]);
    expect(code).toBe(65);
    expect(stderr).toContain(`layer ${expected.images.plain!.layers![0]!.digest} is not eStargz`);
  });

  const fetches = ['multi', 'multi-docker', 'legacy', 'zstd', 'arm64'].flatMap((name) => expected.images[name]!.fetch!.map((f) => [name, f.path, f.sha256] as const));
  it.each(fetches)('%s: stargz-get %s -o - gives the file’s bytes', async (image, path, digest) => {
    const platform = image === 'arm64' ? ['--platform', 'linux/arm64/v8'] : [];
    const { code, stdout, stderr } = await call(get, [`${reg.host}/${expected.images[image]!.ref}`, path, '-o', '-', ...platform]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(sha256(stdout)).toBe(digest);
  });

  it.each(expected.images.multi!.mustFail!.map((p) => [p]))('%s is not in the image: exit 66, nothing written', async (path) => {
    const { code, stdout } = await call(get, [`${reg.host}/fixtures/multi:v1`, path, '-o', '-']);
    expect(code).toBe(66);
    expect(stdout.length).toBe(0);
  });

  it('reads only footer, TOC and the file’s chunks from the registry', async () => {
    const m = memoryIo({ env: { HOME: '/nonexistent' } });
    const events: string[] = [];
    m.io.stderr.on('data', (c: Buffer) => events.push(c.toString()));
    expect(await get([`${reg.host}/fixtures/multi:v1`, 'data/odd-2MiB.bin', '-o', join(dir, 'one'), '--progress', 'json'], m.io)).toBe(0);
    const end = events.join('').trim().split('\n').map((l) => JSON.parse(l) as { type: string; fetched?: number }).find((e) => e.type === 'end')!;
    expect(end.fetched).toBe(expected.images.multi!.fetch!.find((f) => f.path === 'data/odd-2MiB.bin')!.compressedSpan!.bytes);
    expect(sha256(await readFile(join(dir, 'one', 'data/odd-2MiB.bin')))).toBe(expected.images.multi!.fetch!.find((f) => f.path === 'data/odd-2MiB.bin')!.sha256);
  });

  it('anonymous token flow, with blobs redirected to storage that never sees the token', async () => {
    let front: TokenFront | undefined;
    try {
      front = await startTokenFront(reg);
      const { code, stdout } = await call(get, [`${front.host}/fixtures/multi:v1`, 'hello.txt', '-o', '-']);
      expect(code).toBe(0);
      expect(stdout.toString()).toBe('Hello, eStargz!\n');
      expect(front.tokensIssued).toBe(1);
      expect(front.storageAuth).toEqual([]);
    } finally {
      await front?.stop();
    }
  });

  it('a bit flipped in a served blob is caught (65)', async () => {
    const l3 = expected.layers.l3!;
    const path = blobDataPath(reg, l3.digest);
    const blob = await readFile(path);
    blob[500] = blob[500]! ^ 0x01;
    await writeFile(path, blob);
    const { code, stderr } = await call(get, [`${reg.host}/fixtures/multi:v1`, 'data/added-in-layer3.bin', '-o', join(dir, 'flip')]);
    expect(code).toBe(65);
    expect(stderr).toMatch(/digest mismatch|corrupt/);
  });
});

describe.skipIf(skip)('a registry behind htpasswd', () => {
  let reg: Registry;
  let dir: string;
  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: { user: 'alice', password: 's3cret-pw' } });
    await pushPlan(reg, FIXTURES);
    dir = await mkdtemp(join(tmpdir(), 'stargz-auth-'));
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('without credentials: refused (69) with a hint to log in', async () => {
    const { code, stderr } = await call(ls, [`${reg.host}/fixtures/legacy:v1`]);
    expect(code).toBe(69);
    expect(stderr).toContain('docker login');
  });

  it('--user with --password-stdin', async () => {
    const { code, stdout } = await call(ls, [`${reg.host}/fixtures/legacy:v1`, '--user', 'alice', '--password-stdin'], { stdin: 's3cret-pw\n' });
    expect(code).toBe(0);
    expect(stdout.toString()).toContain('README.txt');
  });

  it('$DOCKER_CONFIG/config.json auths, as docker login writes them', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('alice:s3cret-pw').toString('base64') } } }));
    const { code, stdout } = await call(get, [`${reg.host}/fixtures/legacy:v1`, 'README.txt', '-o', '-'], { env: { DOCKER_CONFIG: dir } });
    expect(code).toBe(0);
    expect(sha256(stdout)).toBe(expected.images.legacy!.fetch![0]!.sha256);
  });

  it.each([
    ['credHelpers', (host: string) => ({ credHelpers: { [host]: 'dlkittest' } }), 'alice\ts3cret-pw', 0],
    ['credsStore', () => ({ credsStore: 'dlkittest' }), 'alice\ts3cret-pw', 0],
    ['a helper that knows no credentials for the registry: anonymous, refused (69)', () => ({ credsStore: 'dlkittest' }), '', 69],
  ])('%s: docker-credential-NAME get, the server on stdin', async (_what, config, known, exitCode) => {
    const home = await mkdtemp(join(dir, 'helper-'));
    // A real helper process, as docker runs them: the server on stdin, JSON on stdout.
    const helper = join(home, 'docker-credential-dlkittest');
    await writeFile(helper, `#!/bin/sh\nread server\necho "$server" > "${home}/asked"\nknown='${known}'\n[ -n "$known" ] || { echo 'credentials not found in native keychain'; exit 1; }\nprintf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" "\${known%%\t*}" "\${known#*\t}"\n`, { mode: 0o755 });
    await writeFile(join(home, 'config.json'), JSON.stringify(config(reg.host)));
    const { code, stdout } = await call(get, [`${reg.host}/fixtures/legacy:v1`, 'README.txt', '-o', '-'], { env: { DOCKER_CONFIG: home, PATH: `${home}:${process.env.PATH ?? '/usr/bin:/bin'}` } });
    expect(code).toBe(exitCode);
    expect((await readFile(join(home, 'asked'), 'utf8')).trim()).toBe(reg.host);
    if (exitCode === 0) expect(sha256(stdout)).toBe(expected.images.legacy!.fetch![0]!.sha256);
  });

  it('a wrong password is refused without leaking it', async () => {
    const { code, stderr } = await call(ls, [`${reg.host}/fixtures/legacy:v1`, '--user', 'alice', '--password-stdin'], { stdin: 'wrong-pw-123' });
    expect(code).toBe(69);
    expect(stderr).not.toContain('wrong-pw-123');
  });
});
