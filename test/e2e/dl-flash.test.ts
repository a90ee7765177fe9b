import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, type BuiltCommand } from '../cli/build-command.js';
import { attachLoop, loopSkipReason, type LoopDevice } from '../helpers/loop-device.js';

/**
 * The real dl-flash process: killed with SIGKILL mid-write (only the periodic checkpoint
 * survives), then resumed; SIGINT; and the broken-pipe rule for its --list output.
 */
const MiB = 1 << 20;
const REPO = resolve(import.meta.dirname, '../..');

describe.skipIf(loopSkipReason)(`dl-flash process${loopSkipReason ? ` (${loopSkipReason})` : ''}`, () => {
  let cmd: BuiltCommand;
  let dir: string;
  let loops: LoopDevice[] = [];
  const image = randomBytes(24 * MiB + 512);
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, XDG_STATE_HOME: join(dir, 'state') });
  const stateDir = (): string => join(dir, 'state', 'dlkit', 'dl-flash');
  const checkpoint = (): Record<string, unknown> | undefined => {
    const f = existsSync(stateDir()) ? readdirSync(stateDir()).find((n) => n.endsWith('.json')) : undefined;
    return f === undefined ? undefined : (JSON.parse(readFileSync(join(stateDir(), f), 'utf8')) as Record<string, unknown>);
  };
  const target = (): LoopDevice => {
    const file = join(dir, `t${loops.length}.img`);
    writeFileSync(file, Buffer.alloc(32 * MiB));
    const l = attachLoop(file);
    loops.push(l);
    return l;
  };
  const holdsImage = (l: LoopDevice): boolean => readFileSync(l.file).subarray(0, image.length).equals(image);
  const events = (stderr: string): Record<string, unknown>[] =>
    stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const waitFor = async (cond: () => boolean, child: ChildProcess): Promise<void> => {
    for (let i = 0; i < 300 && !cond(); i++) {
      if (child.exitCode !== null) throw new Error(`dl-flash ended early (${child.exitCode})`);
      await sleep(20);
    }
    if (!cond()) throw new Error('timed out');
  };
  /** Streams 4 MiB, waits out the checkpoint interval, streams 4 more (a checkpoint at 8 MiB), SIGKILL. */
  const killAfterTwoBlocks = async (t: LoopDevice): Promise<void> => {
    const child = spawn(cmd.bin, ['-', t.path, '--yes', '--force', '--progress', 'json'], { cwd: dir, env: env(), stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin!.write(image.subarray(0, 4 * MiB));
    await waitFor(() => events(err).some((e) => e.type === 'progress' && e.bytes === 4 * MiB), child);
    await sleep(2100);
    child.stdin!.write(image.subarray(4 * MiB, 8 * MiB));
    await waitFor(() => checkpoint() !== undefined, child);
    child.kill('SIGKILL');
    await new Promise((ok) => child.once('exit', ok));
  };
  const runToEnd = (args: string[], input?: Buffer) =>
    spawnSync(cmd.bin, ['--progress', 'json', ...args], { cwd: dir, env: env(), input, encoding: 'utf8', maxBuffer: 64 * MiB });

  beforeAll(async () => {
    cmd = await buildCommand('dl-flash', resolve(REPO, 'src/commands/dl-flash.ts'));
    dir = mkdtempSync(join(tmpdir(), 'dlk-flash-e2e-'));
    writeFileSync(join(dir, 'image.img'), image);
  });
  afterEach(() => {
    for (const l of loops) l.detach();
    loops = [];
    rmSync(join(dir, 'state'), { recursive: true, force: true });
  });
  afterAll(async () => {
    await cmd.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 mid-write from a file, then a rerun resumes from the checkpoint and ends identical', async () => {
    const t = target();
    const child = spawn(cmd.bin, ['image.img', t.path, '--yes', '--force', '--limit-rate', '6M', '--progress', 'none'], { cwd: dir, env: env(), stdio: 'ignore' });
    await waitFor(() => ((checkpoint()?.state as { position?: number } | undefined)?.position ?? 0) > 0, child);
    child.kill('SIGKILL');
    await new Promise((ok) => child.once('exit', ok));
    const saved = (checkpoint()!.state as { position: number }).position;
    const r = runToEnd(['image.img', t.path, '--yes', '--force']);
    expect(r.status).toBe(0);
    const start = events(r.stderr).find((e) => e.type === 'start');
    expect(start?.resumedFrom).toBe(saved);
    expect(saved).toBeLessThan(image.length);
    expect(holdsImage(t)).toBe(true);
    expect(events(r.stderr).find((e) => e.type === 'verify')).toMatchObject({ ok: true });
    expect(checkpoint()).toBeUndefined();
  });

  it('kill -9 mid-write from stdin; the rerun fast-forwards the same stream without writing it', async () => {
    const t = target();
    await killAfterTwoBlocks(t);
    const r = runToEnd(['-', t.path, '--yes', '--force'], image);
    expect(r.status).toBe(0);
    expect(events(r.stderr).find((e) => e.type === 'start')?.resumedFrom).toBe(8 * MiB);
    expect(holdsImage(t)).toBe(true);
  });

  it('a different stream on stdin is refused (65) instead of being spliced onto the old one', async () => {
    const t = target();
    await killAfterTwoBlocks(t);
    const other = Buffer.from(image);
    other[MiB + 7] = other[MiB + 7]! ^ 1;
    const r = runToEnd(['-', t.path, '--yes', '--force'], other);
    expect(r.status).toBe(65);
    expect(events(r.stderr).at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_SOURCE_CHANGED' });
  });

  it('SIGINT saves a checkpoint and exits 130', async () => {
    const t = target();
    const child = spawn(cmd.bin, ['image.img', t.path, '--yes', '--force', '--limit-rate', '4M', '--progress', 'json'], { cwd: dir, env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    await waitFor(() => events(err).some((e) => e.type === 'progress' && (e.bytes as number) > 0), child);
    child.kill('SIGINT');
    const code = await new Promise((ok) => child.once('exit', ok));
    expect(code).toBe(130);
    expect((checkpoint()?.state as { position: number }).position).toBeGreaterThan(0);
  });

  it('--list | head -c 10 ends quietly (broken pipe)', () => {
    target();
    const r = spawnSync('bash', ['-c', `"${cmd.bin}" --list --all | head -c 10 > /dev/null; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(r.stderr).toBe('status 0\n');
  });
});
