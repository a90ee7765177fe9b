import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, type BuiltCommand } from './build-command.js';

let cmd: BuiltCommand;

beforeAll(async () => {
  cmd = await buildCommand('dl-test', resolve(import.meta.dirname, 'fixtures/test-command.ts'));
});
afterAll(() => cmd?.remove());

/** Starts the real command and resolves once its handler runs (it says "ready"). */
async function startWaiting(mode: 'wait' | 'stubborn') {
  const child = spawn(cmd.bin, ['--mode', mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  while (!stderr.includes('ready\n')) await once(child.stderr, 'data');
  return { child, exited, stderr: () => stderr };
}

describe('a real process', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s aborts the signal: the handler cleans up, exit 130', async (sig) => {
    const p = await startWaiting('wait');
    p.child.kill(sig);
    expect(await p.exited).toEqual([130, null]);
    expect(p.stderr()).toBe('ready\ndl-test: interrupted (run the same command again to resume)\n');
  });

  it('exits 130 at once on a second SIGINT while the handler still cleans up', async () => {
    const p = await startWaiting('stubborn');
    p.child.kill('SIGINT');
    const first = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('running'), 300))]);
    expect(first).toBe('running');
    const t0 = Date.now();
    p.child.kill('SIGINT');
    expect(await p.exited).toEqual([130, null]);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('SIGUSR2 (a stage before it failed) aborts the signal: exit 65, naming the upstream failure', async () => {
    const p = await startWaiting('wait');
    p.child.kill('SIGUSR2');
    expect(await p.exited).toEqual([65, null]);
    expect(p.stderr()).toBe('ready\ndl-test: input incomplete: a stage before this one in the pipeline failed (a stage before this one failed; see its message)\n');
  });

  it.skipIf(process.platform !== 'linux')('a failing stage tells the dlkit stage reading its stdout, which fails in turn', () => {
    const bin = JSON.stringify(cmd.bin);
    const r = spawnSync('bash', ['-c', `${bin} --mode throw | ${bin} --mode wait | cat; echo "\${PIPESTATUS[*]}"`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toBe('65 65 0\n');
    expect(r.stderr).toMatch(/^dl-test: digest mismatch for input \(download it again\)$/m);
    expect(r.stderr).toMatch(/^dl-test: input incomplete: a stage before this one in the pipeline failed/m);
  });

  it('ends quietly with 0 when the reader goes away (| head -c 10)', () => {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${JSON.stringify(cmd.bin)} --mode spew | head -c 10`], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toBe('x'.repeat(10));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('sets the exit status through process.exitCode', () => {
    expect(spawnSync(cmd.bin, ['--mode', 'throw'], { encoding: 'utf8' })).toMatchObject({ status: 65, stderr: 'dl-test: digest mismatch for input (download it again)\n' });
    expect(spawnSync(cmd.bin, ['--nope'], { encoding: 'utf8' })).toMatchObject({ status: 64, stdout: '' });
  });

  it('with --progress json --progress-fd 3, ends fd 3 with the error event and prints the line on stderr', async () => {
    const child = spawn(cmd.bin, ['--mode', 'throw', '--progress', 'json', '--progress-fd', '3'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let events = '';
    let stderr = '';
    (child.stdio[3] as Readable).setEncoding('utf8').on('data', (s: string) => (events += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(65);
    expect(stderr).toBe('dl-test: digest mismatch for input (download it again)\n');
    const last = JSON.parse(events.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ v: 1, type: 'error', tool: 'dl-test', code: 'DL_ERR_INTEGRITY', exitCode: 65 });
  });

  it('answers --version in about the time node itself takes to start (< 100 ms on an idle machine)', () => {
    const wall = (args: string[]): number => {
      const t0 = performance.now();
      expect(spawnSync(process.execPath, args).status).toBe(0);
      return performance.now() - t0;
    };
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const base: number[] = [];
    const version: number[] = [];
    // Interleaved, and compared with a bare node, so a busy machine slows both alike.
    for (let i = 0; i < 5; i++) {
      base.push(wall(['-e', '0']));
      version.push(wall([`${cmd.bin}.mjs`, '--version']));
    }
    expect(median(version) - median(base)).toBeLessThan(100);
  });

  it('writes all of a large --help to a pipe before exiting', () => {
    const r = spawnSync('bash', ['-c', `${JSON.stringify(cmd.bin)} --help | cat`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/Exit status, environment and config: dlkit\(7\)\. Manual: dl-test\(1\)\.\n$/);
  });
});
