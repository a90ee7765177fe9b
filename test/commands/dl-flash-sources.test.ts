import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/dl-flash.js';
import { memoryIo } from '../cli/memory-io.js';
import { attachLoop, loopSkipReason, type LoopDevice } from '../helpers/loop-device.js';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';

/** Sources composed from the other commands' stages: compressed files and streams, URLs. */
const MiB = 1 << 20;

describe.skipIf(loopSkipReason)(`dl-flash sources${loopSkipReason ? ` (${loopSkipReason})` : ''}`, () => {
  let dir: string;
  let server: FaultServer;
  let loops: LoopDevice[] = [];
  // Compressible but not trivial: random 4 KiB pieces repeated with variations.
  const piece = randomBytes(64 * 1024);
  const image = Buffer.concat(Array.from({ length: 96 }, (_, i) => Buffer.concat([piece.subarray(i * 100), Buffer.from(`block ${i}`)]))).subarray(0, 5 * MiB + 700);

  const target = (): LoopDevice => {
    const file = join(dir, `t${loops.length}.img`);
    writeFileSync(file, Buffer.alloc(8 * MiB, 0xee));
    const l = attachLoop(file);
    loops.push(l);
    return l;
  };
  const holdsImage = (l: LoopDevice): boolean => readFileSync(l.file).subarray(0, image.length).equals(image);
  const flash = async (argv: string[], stdin?: Readable) => {
    const m = memoryIo({ env: { XDG_STATE_HOME: join(dir, 'state') }, cwd: dir });
    if (stdin) m.io.stdin = stdin;
    const code = await run(['--progress', 'json', '--yes', '--force', ...argv], m.io);
    const events = m.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    return { code, events };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlk-flash-src-'));
    writeFileSync(join(dir, 'image.img'), image);
    for (const [tool, ext] of [['xz', 'xz'], ['gzip', 'gz'], ['zstd', 'zst']] as const) {
      writeFileSync(join(dir, `image.img.${ext}`), execFileSync(tool, ['-c', join(dir, 'image.img')], { maxBuffer: 64 * MiB }));
    }
    execFileSync('zip', ['-q', '-j', join(dir, 'image.zip'), join(dir, 'image.img')]);
    execFileSync('zip', ['-q', '-j', join(dir, 'two.zip'), join(dir, 'image.img'), join(dir, 'image.img.gz')]);
    server = await startFaultServer({
      routes: {
        '/image.img.xz': { body: readFileSync(join(dir, 'image.img.xz')) },
        '/flaky.img': { body: image, faults: [{ kind: 'reset', afterBytes: 2 * MiB }] },
        '/missing.img': { faults: () => ({ kind: 'status', status: 404 }) },
      },
    });
  });
  afterEach(() => {
    for (const l of loops) l.detach();
    loops = [];
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['xz', 'gz', 'zst'])('decodes a .%s file on the fly and verifies the decoded image', async (ext) => {
    const t = target();
    const r = await flash([`image.img.${ext}`, t.path]);
    expect(r.code).toBe(0);
    expect(holdsImage(t)).toBe(true);
    expect(r.events.find((e) => e.type === 'verify')).toMatchObject({ ok: true });
  });

  it('decodes a compressed stream on stdin', async () => {
    const t = target();
    const r = await flash(['-', t.path], Readable.from([readFileSync(join(dir, 'image.img.gz'))]));
    expect(r.code).toBe(0);
    expect(holdsImage(t)).toBe(true);
  });

  it('fetches an http URL (and decodes it)', async () => {
    const t = target();
    const r = await flash([`${server.url}/image.img.xz`, t.path]);
    expect(r.code).toBe(0);
    expect(holdsImage(t)).toBe(true);
  });

  it('a connection reset mid-image is resumed by the downloader, the drive still ends identical', async () => {
    const t = target();
    const r = await flash([`${server.url}/flaky.img`, t.path]);
    expect(r.code).toBe(0);
    expect(holdsImage(t)).toBe(true);
    expect(server.stats.requests.filter((q) => q.path === '/flaky.img').length).toBeGreaterThan(1);
  });

  it('a URL that is not there fails (69) before a byte is written', async () => {
    const t = target();
    const r = await flash([`${server.url}/missing.img`, t.path]);
    expect(r.code).toBe(69);
    expect(readFileSync(t.file).every((b) => b === 0xee)).toBe(true);
  });

  it('writes the one image a zip holds, and refuses a zip of several files (64)', async () => {
    const t = target();
    const r = await flash(['image.zip', t.path]);
    expect(r.code).toBe(0);
    expect(r.events.find((e) => e.type === 'start')).toMatchObject({ total: image.length });
    expect(holdsImage(t)).toBe(true);
    const two = await flash(['two.zip', t.path]);
    expect(two.code).toBe(64);
  });
});
