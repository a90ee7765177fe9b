import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { batchGet, bundleDlGet, hookSkipReason } from './dl-get-batch-harness.js';

const FILES = 12;
const SIZE = 192 * 1024;

/** Job-list lines whose jobs the journal says ended. */
async function finishedLines(history: string): Promise<Set<number>> {
  const records = (await readFile(history, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; key: string; job?: { line: number } });
  const ended = new Set(records.filter((r) => r.event === 'end').map((r) => r.key));
  return new Set(records.filter((r) => r.event === 'job' && ended.has(r.key)).map((r) => r.job!.line));
}

describe.skipIf(hookSkipReason())('dl-get -i: SIGKILL mid-batch, then --resume-all', () => {
  let srv: FaultServer;
  let dir: string;
  let bundle: Awaited<ReturnType<typeof bundleDlGet>>;
  const bodies = Array.from({ length: FILES }, () => randomBytes(SIZE));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlkit-batch-kill-'));
    bundle = await bundleDlGet();
    // Slow routes: each file takes about 0.75 s, so the kill lands mid-batch.
    const routes = Object.fromEntries(bodies.map((body, i) => [`/f${i}`, { body, rate: 256 * 1024 }]));
    srv = await startFaultServer({ routes });
  });
  afterAll(async () => {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
    await bundle.remove();
  });

  it('every job completes, and jobs finished before the kill are not fetched again', async () => {
    const env = { ...process.env, XDG_STATE_HOME: join(dir, 'state') };
    const history = join(dir, 'state', 'dlkit', 'history.ndjson');
    await writeFile(join(dir, 'list.txt'), bodies.map((_, i) => `${srv.url}/f${i}`).join('\n'));
    const child = spawn(process.execPath, [bundle.path, '-i', 'list.txt', '-j', '3', '-q'], { cwd: dir, env, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', (_code, signal) => r(signal)));
    const ended = async (): Promise<string[]> =>
      (await readFile(history, 'utf8').catch(() => '')).split('\n').filter((l) => l.includes('"event":"end"'));
    for (let i = 0; i < 400 && (await ended()).length < 4; i++) await sleep(25);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const finished = (await ended()).length;
    const done = await finishedLines(history);
    expect(done.size).toBe(finished);
    expect(finished).toBeGreaterThanOrEqual(4);
    expect(finished).toBeLessThan(FILES);
    const sentBefore = bodies.map((_, i) => srv.bytesFor(`/f${i}`));

    const listed = await batchGet(['--list-interrupted', '--json'], { cwd: dir, env: { XDG_STATE_HOME: join(dir, 'state') } });
    expect(listed.stdout.trim().split('\n')).toHaveLength(FILES - finished);

    const r = await batchGet(['--resume-all', '--json', '-q'], { cwd: dir, env: { XDG_STATE_HOME: join(dir, 'state') } });
    expect(r.code).toBe(0);
    expect(r.results).toHaveLength(FILES - finished);
    for (let i = 0; i < FILES; i++) {
      expect((await readFile(join(dir, `f${i}`))).equals(bodies[i]!)).toBe(true);
      const sentNow = srv.bytesFor(`/f${i}`);
      // Finished before the kill: not one more byte. Cut off: only what the checkpoint lacked.
      if (done.has(i + 1)) expect(sentNow).toBe(SIZE);
      else expect(sentNow).toBeLessThanOrEqual(SIZE + sentBefore[i]!);
    }
    const again = await batchGet(['--list-interrupted'], { cwd: dir, env: { XDG_STATE_HOME: join(dir, 'state') } });
    expect(again.stdout).toBe('');
  });
});
