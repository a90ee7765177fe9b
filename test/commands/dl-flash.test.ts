import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/dl-flash.js';
import { assertValidEvents } from '../helpers/validate-events.js';
import { attachLoop, loopSkipReason, type LoopDevice } from '../helpers/loop-device.js';
import { memoryIo } from '../cli/memory-io.js';

const MiB = 1 << 20;
const FILL = 0x5a;

describe.skipIf(loopSkipReason)(`dl-flash on loop devices${loopSkipReason ? ` (${loopSkipReason})` : ''}`, () => {
  let dir: string;
  let imagePath: string;
  const image = randomBytes(10 * MiB + 3000);
  let loops: LoopDevice[] = [];

  const target = (size = 16 * MiB): LoopDevice => {
    const file = join(dir, `t${loops.length}.img`);
    writeFileSync(file, Buffer.alloc(size, FILL));
    const l = attachLoop(file);
    loops.push(l);
    return l;
  };
  const untouched = (l: LoopDevice): boolean => readFileSync(l.file).every((b) => b === FILL);
  const holdsImage = (l: LoopDevice): boolean => readFileSync(l.file).subarray(0, image.length).equals(image);
  const flash = async (argv: string[], opts: { stdin?: Readable; tty?: boolean; signal?: AbortSignal } = {}) => {
    const m = memoryIo({ env: { XDG_STATE_HOME: join(dir, 'state') }, cwd: dir, ...(opts.signal ? { signal: opts.signal } : {}) });
    if (opts.stdin) m.io.stdin = opts.stdin;
    if (opts.tty) m.io.isTTY = { stdin: true, stdout: false, stderr: true };
    const code = await run(['--progress', 'json', ...argv], m.io);
    const events = assertValidEvents(m.stderr().split('\n').filter((l) => l.startsWith('{'))) as Record<string, unknown>[];
    return { code, events, stdout: m.stdout(), stderr: m.stderr() };
  };
  const errorOf = (events: Record<string, unknown>[]): Record<string, unknown> | undefined => events.find((e) => e.type === 'error');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dlk-flash-'));
    imagePath = join(dir, 'image.img');
    writeFileSync(imagePath, image);
  });
  afterEach(() => {
    for (const l of loops) l.detach();
    loops = [];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a file, verifies it by reading back, and says so in events', async () => {
    const t = target();
    const r = await flash(['image.img', t.path, '--yes', '--force']);
    expect(r.code).toBe(0);
    expect(holdsImage(t)).toBe(true);
    expect(readFileSync(t.file).subarray(image.length).every((b) => b === FILL)).toBe(true);
    const types = r.events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(r.events.find((e) => e.type === 'start')).toMatchObject({ total: image.length, targets: [t.path], resumedFrom: 0 });
    expect(r.events.find((e) => e.type === 'verify')).toMatchObject({ id: t.path, ok: true, algorithm: 'xxh3-blocks' });
    expect(r.events.at(-1)).toMatchObject({ type: 'end', bytes: image.length });
  });

  it('writes stdin to two drives at once; --no-verify reads nothing back', async () => {
    const [a, b] = [target(), target()];
    const stdin = Readable.from([image.subarray(0, 3 * MiB + 17), image.subarray(3 * MiB + 17)]);
    const r = await flash(['-', a.path, b.path, '--yes', '--force', '--no-verify'], { stdin });
    expect(r.code).toBe(0);
    expect(holdsImage(a) && holdsImage(b)).toBe(true);
    expect(r.events.some((e) => e.type === 'verify')).toBe(false);
    expect(r.events.filter((e) => e.type === 'progress').map((e) => e.id)).toEqual(expect.arrayContaining([a.path, b.path]));
  });

  it('a drive that fails mid-write is dropped and reported (74) while the other finishes and verifies', async () => {
    const [good, small] = [target(), target(4 * MiB)];
    const stdin = Readable.from([image]); // a stream: its size is unknown, so the small drive is not refused up front
    const r = await flash(['-', good.path, small.path, '--yes', '--force'], { stdin });
    expect(r.code).toBe(74);
    expect(holdsImage(good)).toBe(true);
    expect(r.events.find((e) => e.type === 'warn')).toMatchObject({ id: small.path, code: 'DL_WARN_DRIVE_FAILED' });
    expect(r.events.find((e) => e.type === 'verify')).toMatchObject({ id: good.path, ok: true });
    expect(r.events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_TOO_SMALL' });
  });

  it.each([
    ['without --yes off a terminal', ['--force'], 'DL_ERR_NOT_CONFIRMED', 16 * MiB],
    ['a non-removable drive without --force', ['--yes'], 'DL_ERR_NOT_REMOVABLE', 16 * MiB],
    ['a drive smaller than the image', ['--yes', '--force'], 'DL_ERR_TOO_SMALL', 8 * MiB],
  ])('refuses %s with 77, writing nothing', async (_, flags, code, size) => {
    const t = target(size);
    const r = await flash(['image.img', t.path, ...flags]);
    expect(r.code).toBe(77);
    expect(errorOf(r.events)).toMatchObject({ code, exitCode: 77 });
    expect(untouched(t)).toBe(true);
  });

  it('asks on a terminal, showing the drive; anything but yes writes nothing', async () => {
    const t = target();
    const no = new PassThrough();
    no.end('no\n');
    const r = await flash(['image.img', t.path, '--force', '--progress', 'none'], { stdin: no, tty: true });
    expect(r.code).toBe(77);
    expect(r.stderr).toContain(t.path);
    expect(r.stderr).toContain(t.file);
    expect(r.stderr).toContain("Type 'yes'");
    expect(untouched(t)).toBe(true);
    const yes = new PassThrough();
    yes.end('yes\n');
    expect((await flash(['image.img', t.path, '--force'], { stdin: yes, tty: true })).code).toBe(0);
    expect(holdsImage(t)).toBe(true);
  });

  it('refuses the system drive from the mount table, whatever the flags', async () => {
    const root = execFileSync('findmnt', ['-no', 'SOURCE', '/'], { encoding: 'utf8' }).trim();
    if (!root.startsWith('/dev/')) return;
    const r = await flash(['image.img', root, '--yes', '--force', '--unmount']);
    expect(r.code).toBe(77);
    expect(errorOf(r.events)).toMatchObject({ code: 'DL_ERR_SYSTEM_DRIVE' });
    expect(String(errorOf(r.events)?.message)).toContain('it holds /');
  });

  it('refuses a mounted drive, and the drive holding the source even with --unmount', async () => {
    const t = target(32 * MiB);
    execFileSync('mkfs.ext4', ['-q', '-F', t.path]);
    const mnt = join(dir, 'mnt');
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-o', 'ro', t.path, mnt]);
    const before = readFileSync(t.file);
    try {
      const r = await flash(['image.img', t.path, '--yes', '--force']);
      expect(r.code).toBe(77);
      expect(errorOf(r.events)).toMatchObject({ code: 'DL_ERR_MOUNTED' });
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
      writeFileSync(join(mnt, 'self.img'), image.subarray(0, MiB));
      execFileSync('mount', ['-o', 'remount,ro', mnt]);
      const snapshot = readFileSync(t.file);
      const s = await flash([join(mnt, 'self.img'), t.path, '--yes', '--force', '--unmount']);
      expect(s.code).toBe(77);
      expect(errorOf(s.events)).toMatchObject({ code: 'DL_ERR_SOURCE_DRIVE' });
      expect(readFileSync(t.file).equals(snapshot)).toBe(true);
    } finally {
      execFileSync('umount', [mnt]);
    }
    expect(before.length).toBeGreaterThan(0);
  });

  it('--unmount unmounts the target first, then writes it', async () => {
    const t = target(32 * MiB);
    execFileSync('mkfs.ext4', ['-q', '-F', t.path]);
    const mnt = join(dir, 'mnt2');
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-o', 'ro', t.path, mnt]);
    const r = await flash(['image.img', t.path, '--yes', '--force', '--unmount']);
    if (r.code !== 0) execFileSync('umount', [mnt]);
    expect(r.code).toBe(0);
    expect(holdsImage(t)).toBe(true);
  });

  it('--verify-only passes on a good drive and names the first bad byte on a corrupted one (65)', async () => {
    const t = target();
    expect((await flash(['image.img', t.path, '--yes', '--force', '--no-verify'])).code).toBe(0);
    expect((await flash(['--verify-only', 'image.img', t.path])).code).toBe(0);
    const bytes = readFileSync(t.file);
    const bad = 7 * MiB + 4242;
    bytes[bad] = bytes[bad]! ^ 1;
    writeFileSync(t.file, bytes);
    const r = await flash(['--verify-only', 'image.img', t.path]);
    expect(r.code).toBe(65);
    expect(String(errorOf(r.events)?.message)).toContain(`offset ${bad}`);
    expect(r.events.find((e) => e.type === 'verify')).toMatchObject({ ok: false });
  });

  const checkpoints = (): string => join(dir, 'state', 'dlkit', 'dl-flash');
  /** A slow write of the image to `t`, interrupted as soon as its first checkpoint is saved. */
  const interruptedAtCheckpoint = async (t: LoopDevice, extra: string[] = []) => {
    const controller = new AbortController();
    const watch = setInterval(() => {
      if (existsSync(checkpoints()) && execFileSync('ls', [checkpoints()], { encoding: 'utf8' }).includes('.json')) controller.abort();
    }, 20);
    try {
      return await flash(['image.img', t.path, '--yes', '--force', '--limit-rate', '4M', '--block-size', '1M', ...extra], { signal: controller.signal });
    } finally {
      clearInterval(watch);
    }
  };

  it('an interrupted write keeps a checkpoint (130); the next run resumes from it, not from zero', async () => {
    const t = target();
    const first = await interruptedAtCheckpoint(t);
    expect(first.code).toBe(130);
    const second = await flash(['image.img', t.path, '--yes', '--force']);
    expect(second.code).toBe(0);
    const resumedFrom = second.events.find((e) => e.type === 'start')?.resumedFrom as number;
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom % MiB).toBe(0);
    expect(holdsImage(t)).toBe(true);
    expect(second.events.find((e) => e.type === 'verify')).toMatchObject({ ok: true });
  });

  it('a file written with --no-verify is not hashed; resumed with verify, its prefix is digested from the file and the whole image verified', async () => {
    const [t, whole, plain] = [target(), target(), target()];
    const unhashed = await flash(['image.img', plain.path, '--yes', '--force', '--no-verify']);
    expect(unhashed.code).toBe(0);
    expect(unhashed.events.at(-1)).not.toHaveProperty('digest');
    const first = await interruptedAtCheckpoint(t, ['--no-verify']);
    expect(first.code).toBe(130);
    expect(execFileSync('sh', ['-c', `cat ${checkpoints()}/*.json`], { encoding: 'utf8' })).not.toContain('"digests"');
    const second = await flash(['image.img', t.path, '--yes', '--force']);
    expect(second.code).toBe(0);
    expect(second.events.find((e) => e.type === 'start')?.resumedFrom).toBeGreaterThan(0);
    expect(second.events.find((e) => e.type === 'verify')).toMatchObject({ ok: true });
    expect(holdsImage(t)).toBe(true);
    const fresh = await flash(['image.img', whole.path, '--yes', '--force']);
    expect(second.events.at(-1)?.digest).toBe(fresh.events.at(-1)?.digest);
  });

  it('--list shows removable drives only; --all --json shows loop devices with their facts', async () => {
    const t = target();
    const plain = await flash(['--list']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^DEVICE\s+SIZE/);
    expect(plain.stdout).not.toContain(t.path);
    const all = await flash(['--list', '--all', '--json']);
    const rows = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((r) => r.path === t.path)).toMatchObject({ size: 16 * MiB, bus: 'loop', removable: false, virtual: true, system: false, backingFile: t.file, readOnly: false });
  });

  it('--inspect prints the partitions sfdisk --json reports, and writes nothing', async () => {
    const img = join(dir, 'parted.img');
    writeFileSync(img, Buffer.alloc(32 * MiB));
    execFileSync('sfdisk', ['-q', img], { input: 'label: gpt\n,8M,U\n,,L\n' });
    const r = await flash(['--inspect', img, '--json']);
    expect(r.code).toBe(0);
    const mine = JSON.parse(r.stdout) as { label: string; partitions: { start: number; size: number; type: string }[] };
    const theirs = (JSON.parse(execFileSync('sfdisk', ['--json', img], { encoding: 'utf8' })) as { partitiontable: { label: string; partitions: { start: number; size: number; type: string }[] } }).partitiontable;
    expect(mine.label).toBe(theirs.label);
    expect(mine.partitions.map(({ start, size, type }) => ({ start, size, type }))).toEqual(theirs.partitions.map(({ start, size, type }) => ({ start, size, type })));
    const text = await flash(['--inspect', img]);
    expect(text.stdout).toMatch(/^GPT /);
    expect(text.stdout).toContain('C12A7328-F81F-11D2-BA4B-00A0C93EC93B');
  });
});

describe('dl-flash output', () => {
  it('returns only once stdout has taken the whole result (a slow reader gets it all)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlk-flash-out-'));
    try {
      const img = join(dir, 'blank.img');
      writeFileSync(img, Buffer.alloc(MiB));
      const taken: Buffer[] = [];
      // A reader that acknowledges each write 50 ms later, as a busy pipe does.
      const slow = new Writable({ write: (chunk: Buffer, _enc, done) => void setTimeout(() => (taken.push(chunk), done()), 50) });
      const m = memoryIo({ cwd: dir });
      m.io.stdout = slow;
      expect(await run(['--inspect', img, '--json'], m.io)).toBe(0);
      expect(Buffer.concat(taken).toString()).toBe('null\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
