import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/dl-bench.js';
import { SWEEP_SIZES } from '../../src/lib/bench/block-size-sweep.js';
import { parseByteSize } from '../../src/cli/parse-byte-size.js';
import { memoryIo } from '../cli/memory-io.js';
import { attachLoop, loopSkipReason, type LoopDevice } from '../helpers/loop-device.js';
import { assertValidEvents } from '../helpers/validate-events.js';
import { wrappedDrive, wrappedSkipReason, type WrappedDrive } from '../lib/bench/wrapped-drive.js';
import { nginxSkipReason, startNginx, type Nginx } from '../servers/nginx.js';

const MiB = 1 << 20;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  json: () => Record<string, any>;
  events: () => Record<string, any>[];
}

async function bench(args: string[], signal?: AbortSignal): Promise<Ran> {
  const m = memoryIo(signal ? { signal } : {});
  const code = await run(args, m.io);
  return {
    code,
    stdout: m.stdout(),
    stderr: m.stderr(),
    json: () => JSON.parse(m.stdout()) as Record<string, any>,
    events: () => assertValidEvents(m.stderr()) as Record<string, any>[],
  };
}

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'dlk-bench-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dl-bench on a file', () => {
  it('measures every pass, writes the pattern, and reports positive, consistent speeds', async () => {
    const file = join(dir, 'seq.img');
    const r = await bench(['--size', '8M', '-b', '1M', '--passes', '3', '--pattern', 'sequence', '--json', '--progress', 'json', file]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ kind: 'throughput', settings: { mode: 'write', size: 8 * MiB, blockSize: MiB, pattern: 'sequence' } });
    expect(out.passes).toHaveLength(3);
    for (const p of out.passes) expect(p).toMatchObject({ bytes: 8 * MiB, bytesPerSecond: expect.any(Number) });
    const speeds = out.passes.map((p: { bytesPerSecond: number }) => p.bytesPerSecond);
    expect(Math.min(...speeds)).toBeGreaterThan(0);
    // A shared machine is noisy; an order of magnitude apart would be a broken measure.
    expect(Math.max(...speeds) / Math.min(...speeds)).toBeLessThan(10);
    const words = new Uint32Array(readFileSync(file).buffer.slice(0, 16));
    expect([...words]).toEqual([0, 1, 2, 3]);
    const events = r.events();
    expect(events.filter((e) => e.type === 'start').map((e) => e.name)).toEqual(['write 1/3', 'write 2/3', 'write 3/3']);
    expect(events.filter((e) => e.type === 'end').every((e) => e.bytes === 8 * MiB && e.bytesPerSecond > 0)).toBe(true);
  });

  it('--read lays the file out first, then times reads only', async () => {
    const file = join(dir, 'read.img');
    const r = await bench(['--read', '--size', '4M', '--json', file]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ kind: 'throughput', settings: { mode: 'read' }, passes: [{ bytes: 4 * MiB }] });
    expect(readFileSync(file).length).toBe(4 * MiB);
  });

  it('--test-block-sizes reports every size from 4K to 16M and a best that dl-flash --block-size reads back', async () => {
    const r = await bench(['--test-block-sizes', '--size', '2M', '--runtime', '0.2', '--pattern', 'zeros', '--json', join(dir, 'sweep.img')]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.rows.map((row: { blockSize: number }) => row.blockSize)).toEqual(SWEEP_SIZES);
    expect(out.rows.every((row: { bytes: number; bytesPerSecond: number }) => row.bytes > 0 && row.bytesPerSecond > 0)).toBe(true);
    expect(SWEEP_SIZES).toContain(out.best.blockSize);
    expect(parseByteSize(out.best.blockSizeArg, '--block-size')).toBe(out.best.blockSize);
  });

  it('prints a table naming the target, each pass and the speed', async () => {
    const r = await bench(['--size', '4M', '--progress', 'none', join(dir, 'table.img')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^target +\S+table\.img$/m);
    expect(r.stdout).toMatch(/^1 +4\.0 MiB +[\d.]+s +[\d.]+ [KMG]i?B\/s$/m);
    expect(r.stdout).toMatch(/^write speed: /m);
  });

  it('on a terminal draws a bar coloured by speed instead of plain lines', async () => {
    const r = await bench(['--size', '4M', '--progress', 'tty', join(dir, 'tty.img')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\x1b\[3[1-4]mwrite 1\/1: 4\.0 MiB in [\d.]+s, /);
  });

  it('stops at once with status 130 when interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const began = Date.now();
    const r = await bench(['--size', '64G', '--block-size', '64K', '--progress', 'none', join(dir, 'int.img')], ac.signal);
    expect(r.code).toBe(130);
    expect(Date.now() - began).toBeLessThan(5000);
    rmSync(join(dir, 'int.img'));
  });

  it('refuses bad settings with status 64', async () => {
    for (const args of [['-b', '1000'], ['--passes', '0'], ['--verify-capacity'], ['--test-block-sizes', '--verify-capacity']]) {
      expect((await bench([...args, join(dir, 'x.img')])).code, args.join(' ')).toBe(64);
    }
  });
});

describe.skipIf(loopSkipReason)(`dl-bench on a loop device${loopSkipReason ? ` (${loopSkipReason})` : ''}`, () => {
  let loop: LoopDevice;
  beforeAll(() => {
    writeFileSync(join(dir, 'loop.img'), Buffer.alloc(16 * MiB));
    loop = attachLoop(join(dir, 'loop.img'));
  });
  afterAll(() => loop.detach());

  it('refuses to write without --yes when nobody can answer, and a fixed drive without --force (77)', async () => {
    const noYes = await bench(['--size', '1M', '--force', loop.path]);
    expect(noYes.code).toBe(77);
    expect(noYes.stderr).toMatch(/without confirmation.*--yes/s);
    const noForce = await bench(['--size', '1M', '--yes', loop.path]);
    expect(noForce.code).toBe(77);
    expect(noForce.stderr).toMatch(/not a removable drive/);
  });

  it('writes with O_DIRECT and names the drive; reading needs no confirmation', async () => {
    const w = await bench(['--size', '8M', '--passes', '2', '--yes', '--force', '--json', loop.path]);
    expect(w.code).toBe(0);
    const out = w.json();
    expect(out.target).toMatchObject({ path: loop.path, kind: 'device', direct: true });
    expect(out.target.description).toContain('loop.img');
    expect(out.passes.every((p: { bytes: number; bytesPerSecond: number }) => p.bytes === 8 * MiB && p.bytesPerSecond > 0)).toBe(true);
    const r = await bench(['--read', '--json', loop.path]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ settings: { mode: 'read', size: 16 * MiB } });
  });

  it('refuses a mounted drive (77) unless --unmount, which unmounts it first', async () => {
    const mnt = join(dir, 'mnt');
    execFileSync('mkfs.ext4', ['-q', '-F', loop.path]);
    execFileSync('mkdir', ['-p', mnt]);
    execFileSync('mount', [loop.path, mnt]);
    try {
      const refused = await bench(['--size', '1M', '--yes', '--force', loop.path]);
      expect(refused.code).toBe(77);
      expect(refused.stderr).toMatch(/mounted/);
      const r = await bench(['--size', '1M', '--yes', '--force', '--unmount', '--json', loop.path]);
      expect(r.code).toBe(0);
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(mnt);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('--verify-capacity passes an honest drive', async () => {
    const r = await bench(['--verify-capacity', '--yes', '--force', '--json', loop.path]);
    expect(r.code).toBe(0);
    expect(r.json().capacity).toMatchObject({ ok: true, claimed: 16 * MiB, usable: 16 * MiB });
  });
});

describe.skipIf(wrappedSkipReason)(`--verify-capacity on a drive that wraps around${wrappedSkipReason ? ` (${wrappedSkipReason})` : ''}`, () => {
  let fake: WrappedDrive;
  beforeAll(async () => void (fake = await wrappedDrive(256 * MiB, 16 * MiB)));
  afterAll(async () => fake?.remove());

  it('finds the real 16 MiB behind a claimed 256 MiB and fails with status 65', async () => {
    const r = await bench(['--verify-capacity', '--yes', '--force', '--json', '--progress', 'json', fake.path]);
    expect(r.code).toBe(65);
    const c = r.json().capacity;
    expect(c).toMatchObject({ ok: false, claimed: 256 * MiB, usable: 16 * MiB, firstBad: { offset: 16 * MiB, kind: 'alias', writtenAt: 0 } });
    const events = r.events();
    expect(events.find((e) => e.type === 'verify')).toMatchObject({ algorithm: 'capacity', ok: false, actual: String(16 * MiB) });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_FAKE_CAPACITY', exitCode: 65 });
  });
});

describe.skipIf(nginxSkipReason())('dl-bench URL against nginx with a per-connection limit', () => {
  let nginx: Nginx;
  beforeAll(async () => {
    const root = join(dir, 'www');
    rmSync(root, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(root));
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(8 * MiB, 7));
    // limit_rate holds per request and lets a request's first second through unlimited.
    nginx = await startNginx({ root, extraConfig: 'limit_rate 2m;' });
  });
  afterAll(async () => nginx?.stop());

  it('shows more segments helping and recommends the best -s', async () => {
    const r = await bench(['-s', '1,2,4', '--json', '--progress', 'json', `${nginx.url}/big.bin`]);
    expect(r.code).toBe(0);
    const out = r.json();
    const speed = Object.fromEntries(out.rows.map((row: { segments: number; bytesPerSecond: number }) => [row.segments, row.bytesPerSecond]));
    expect(out.rows.every((row: { bytes: number }) => row.bytes === 8 * MiB)).toBe(true);
    expect(speed[1]).toBeLessThan(4 * MiB);
    expect(speed[2]).toBeGreaterThan(1.5 * speed[1]);
    expect(speed[4]).toBeGreaterThan(1.5 * speed[1]);
    expect(out.best.segments).toBeGreaterThan(1);
    expect(out.best.segmentsArg).toBe(`-s ${out.best.segments}`);
    expect(r.events().filter((e) => e.type === 'end')).toHaveLength(3);
  });
});
