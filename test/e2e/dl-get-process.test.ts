import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { seededBytes } from '../servers/seeded-random.js';
import { binSkipReason, DL_GET_BIN } from './dl-get-bin.js';

const body = seededBytes(8 * 1024 * 1024, 8);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(binSkipReason())('dl-get as a process', () => {
  let srv: FaultServer;
  let dir: string;
  beforeAll(async () => {
    srv = await startFaultServer({ routes: { '/big': { body }, '/slow': { body, rate: 512 * 1024 } } });
    dir = await mkdtemp(join(tmpdir(), 'dlkit-e2e-'));
  });
  afterAll(async () => {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('`dl-get URL | head -c 10` exits quietly', async () => {
    const child = spawn('bash', ['-c', `set -o pipefail; node "${DL_GET_BIN}" -s 4 -k 256k "${srv.url}/big" | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += String(c)));
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    await new Promise((r) => child.on('close', r));
    expect(err).toBe('');
    expect(out.trim()).toBe('0');
  });

  it('streams byte-identical through a real pipe with 6 segments (ordered pieces)', async () => {
    const child = spawn('bash', ['-c', `set -o pipefail; node "${DL_GET_BIN}" -s 6 -k 256k "${srv.url}/big" | sha256sum`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += String(c)));
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
    expect(out.split(' ')[0]).toBe(sha(body));
  });

  it('SIGINT saves the checkpoint and exits 130', async () => {
    const target = join(dir, 'int.bin');
    const child = spawn('node', [DL_GET_BIN, '-q', '-s', '2', '-k', '256k', '-o', target, `${srv.url}/slow`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    const exit = new Promise((r) => child.on('close', r));
    for (let i = 0; i < 200 && !(await readdir(dir)).includes('int.bin.part.json'); i++) await sleep(50);
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(err).toMatch(/interrupted/);
    expect((await readdir(dir)).filter((f) => f.startsWith('int.bin')).sort()).toEqual(['int.bin.part', 'int.bin.part.json']);
  });

  it('after SIGKILL mid-download, a rerun completes byte-identical and re-fetches only what was missing', async () => {
    const target = join(dir, 'killed.bin');
    const args = [DL_GET_BIN, '-q', '-s', '4', '-k', '256k', '-o', target, `${srv.url}/slow`];
    const first = spawn('node', args, { stdio: 'ignore' });
    const firstExit = new Promise((r) => first.on('close', r));
    // Wait until the checkpoint says a good part is done, then kill without warning.
    for (let i = 0; i < 200 && !(await readdir(dir)).includes('killed.bin.part.json'); i++) await sleep(50);
    await sleep(1000);
    first.kill('SIGKILL');
    expect(await firstExit).toBeNull();
    const sentFirst = srv.bytesFor('/slow');
    expect(sentFirst).toBeLessThan(body.length);
    const cp = JSON.parse(await readFile(`${target}.part.json`, 'utf8')) as { state: { done: [number, number][] } };
    const saved = cp.state.done.reduce((n, [s, e]) => n + e - s, 0);
    expect(saved).toBeGreaterThan(0);
    const second = spawn('node', [...args, '--expect', `sha256:${sha(body)}`], { stdio: 'ignore' });
    const code = await new Promise((r) => second.on('close', r));
    expect(code).toBe(0);
    expect(sha(await readFile(target))).toBe(sha(body));
    expect((await readdir(dir)).filter((f) => f.startsWith('killed.bin'))).toEqual(['killed.bin']);
    const sentSecond = srv.bytesFor('/slow') - sentFirst;
    // Only the missing bytes again, give or take what was in flight (a few chunks per connection).
    expect(sentSecond).toBeLessThanOrEqual(body.length - saved + 4 * 256 * 1024);
  });
});
