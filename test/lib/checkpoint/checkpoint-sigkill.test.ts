import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointStore } from '../../../src/lib/checkpoint/checkpoint-store.js';
import { killTestStore } from './fixtures/kill-test-state.js';

const ROUNDS = 40;
const SAVES_PER_CHILD = 1000;

let dir: string;
let child: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-sigkill-'));
  child = join(dir, 'save-loop.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'fixtures', 'save-loop.ts')],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** mulberry32: the kill moments are random but reproducible from the printed seed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

interface Round {
  lastAck: number;
  signal: NodeJS.Signals | null;
}

/** Runs the child from `last`, kills it after `acks` saves plus `delayMs`, returns what it acknowledged. */
function runAndKill(path: string, last: number, acks: number, delayMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, path, String(last), String(SAVES_PER_CHILD)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let armed = false;
    p.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (armed || out.split('\n').length - 1 < acks) return;
      armed = true;
      if (delayMs === 0) p.kill('SIGKILL');
      else setTimeout(() => p.kill('SIGKILL'), delayMs);
    });
    p.on('error', reject);
    // 'close' waits for stdout to drain: every ack written before the kill is counted.
    p.on('close', (_code, signal) => {
      const lines = out.split('\n').filter(Boolean);
      resolve({ lastAck: lines.length > 0 ? Number(lines.at(-1)) : last, signal });
    });
  });
}

describe('checkpoint save under SIGKILL', () => {
  it(`always loads the previous or the next state over ${ROUNDS} killed children`, async () => {
    const seed = Date.now() >>> 0;
    const random = prng(seed);
    const store = createCheckpointStore(killTestStore);
    const path = join(dir, 'out.img.part.json');
    const tally = { previous: 0, next: 0, finished: 0, killedMidWrite: 0 };
    let temps = 0;
    let last = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const acks = 1 + Math.floor(random() * 20);
      const delayMs = Math.floor(random() * 4);
      const { lastAck, signal } = await runAndKill(path, last, acks, delayMs);
      const r = await store.load(path);
      const where = `seed ${seed}, round ${round}, acked ${lastAck}, killed after ${acks} + ${delayMs} ms`;
      expect(r.status, where).toBe('ok');
      if (r.status !== 'ok') return;
      const i = r.checkpoint.state.i;
      expect([lastAck, lastAck + 1], where).toContain(i);
      if (signal !== 'SIGKILL') tally.finished++;
      else if (i === lastAck) tally.previous++;
      else tally.next++;
      // A new temp file means the kill landed between open and rename; load ignored it.
      const nowTemps = (await readdir(dir)).filter((n) => n.includes('.tmp-')).length;
      tally.killedMidWrite += nowTemps - temps;
      temps = nowTemps;
      last = i;
    }
    console.log(`SIGKILL test: seed ${seed}, ${ROUNDS} rounds, loaded state = ${JSON.stringify(tally)}, last i ${last}`);
    expect(tally.previous + tally.next).toBeGreaterThan(ROUNDS / 2);
    await store.remove(path);
    expect((await readdir(dir)).filter((n) => n.startsWith('out.img'))).toEqual([]);
  });
});
