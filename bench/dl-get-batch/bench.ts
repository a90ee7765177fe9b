// What bench/dl-get-batch measures, on one private nginx on 127.0.0.1:
//  1. files per second: FILES files of 64 KiB fetched with `dl-get -i LIST -j 16` and with
//     `aria2c -i LIST -j16`, each into a fresh directory on the same disk (target ≥ 1.0);
//  2. startup to first byte: spawn to the first byte on stdout of `dl-get URL` and of
//     `curl -s URL` for one 1 KiB file (target: ours ≤ 1.5× curl's time).
// Runs alternate who goes first; medians; `ratio dlkit/peer = X` is ours/theirs for
// throughput, and theirs/ours for time, so > 1 means we are faster in both lines. One
// unmeasured run of each tool first warms nginx, the page cache and the disk journal. The
// quick profile keeps the 2,000 files of the target and does fewer runs: with fewer files
// Node's start-up weighs more and the ratio measures something else. Each files/s line
// also gives the median CPU seconds (user + sys, from /proc/self/stat's children times),
// less noisy than wall time on a shared machine, and the load average around the runs.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx } from '../../test/servers/nginx.js';
import { loadAverage, median } from '../lib/stats.mjs';

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    files: { type: 'string' },
    ours: { type: 'string' },
  },
});
const FILES = Number(opt.files ?? 2000);
const RUNS = Number(opt.runs ?? (opt.quick ? 3 : 7));
const TTFB_RUNS = opt.quick ? 7 : 15;
const ours = (opt.ours ?? 'bin/dl-get.js').split(' ');

const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;


/** CPU seconds (user + sys) of this process's waited-for children so far (Linux). */
function childCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // cutime and cstime are fields 16 and 17 of proc(5), 14 and 15 after the command name.
  return (Number(fields[13]) + Number(fields[14])) / 100; // in clock ticks: USER_HZ, 100 on Linux
}

/** Wall seconds and CPU seconds of one run of `cmd`. */
function timed(cmd: string[]): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const [t, cpu0] = [performance.now(), childCpu()];
    const p = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c: Buffer) => (err += String(c)));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve({ wall: (performance.now() - t) / 1000, cpu: childCpu() - cpu0 }) : reject(new Error(`${cmd.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

/** Milliseconds from spawn to the first byte on the child's stdout. */
function firstByte(cmd: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const p = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    let at: number | undefined;
    p.stdout.once('data', () => (at = performance.now() - t));
    p.stdout.resume();
    p.on('error', reject);
    p.on('close', (code) => (code === 0 && at !== undefined ? resolve(at) : reject(new Error(`${cmd.join(' ')} exited ${code}`))));
  });
}

async function filesPerSecond(work: string, list: string): Promise<void> {
  const cmds = {
    ours: (dir: string) => [...ours, '-i', list, '-j', '16', '-d', dir, '-q'],
    peer: (dir: string) => ['aria2c', '-q', '-i', list, '-j16', '-d', dir],
  };
  const rates: Record<'ours' | 'peer', number[]> = { ours: [], peer: [] };
  const cpu: Record<'ours' | 'peer', number[]> = { ours: [], peer: [] };
  const once = async (who: 'ours' | 'peer', name: string): Promise<{ wall: number; cpu: number }> => {
    const dir = join(work, name);
    await mkdir(dir);
    const t = await timed(cmds[who](dir));
    const got = (await readdir(dir)).length;
    if (got !== FILES) throw new Error(`${who} left ${got} files, not ${FILES}`);
    await rm(dir, { recursive: true, force: true });
    return t;
  };
  const before = loadAverage();
  for (const who of ['ours', 'peer'] as const) await once(who, `warm-${who}`);
  for (let i = 0; i < RUNS; i++) {
    for (const who of i % 2 ? (['peer', 'ours'] as const) : (['ours', 'peer'] as const)) {
      const t = await once(who, `${who}-${i}`);
      rates[who].push(FILES / t.wall);
      cpu[who].push(t.cpu);
    }
  }
  const [o, p] = [median(rates.ours), median(rates.peer)];
  console.log(`files/s  ${FILES} × 64 KiB, -j 16: dlkit ${o.toFixed(0)}  aria2c ${p.toFixed(0)}  ratio dlkit/peer = ${(o / p).toFixed(2)}  (target ≥ 1.0)`);
  console.log(`         cpu s: dlkit ${median(cpu.ours).toFixed(2)}  aria2c ${median(cpu.peer).toFixed(2)}  load average ${before} -> ${loadAverage()}`);
}

async function timeToFirstByte(url: string): Promise<void> {
  const ms: Record<'ours' | 'peer', number[]> = { ours: [], peer: [] };
  for (let i = 0; i < TTFB_RUNS; i++) {
    for (const who of i % 2 ? (['peer', 'ours'] as const) : (['ours', 'peer'] as const)) {
      ms[who].push(await firstByte(who === 'ours' ? [...ours, '-q', url] : ['curl', '-s', url]));
    }
  }
  const [o, p] = [median(ms.ours), median(ms.peer)];
  console.log(`first byte of one 1 KiB file: dlkit ${o.toFixed(0)} ms  curl ${p.toFixed(0)} ms  ratio dlkit/peer = ${(p / o).toFixed(2)}  (ours ${(o / p).toFixed(2)}× curl's time; target ≤ 1.5×)`);
}

async function main(): Promise<void> {
  for (const tool of ['aria2c', 'curl']) if (!have(tool)) throw new Error(`${tool} is not installed (apt-get install ${tool === 'aria2c' ? 'aria2' : tool})`);
  const work = await mkdtemp(join(tmpdir(), 'dlkit-bench-batch-'));
  const root = join(work, 'www');
  await mkdir(root);
  for (let i = 0; i < FILES; i++) await writeFile(join(root, `f${i}.bin`), randomBytes(64 * 1024));
  await writeFile(join(root, 'small'), randomBytes(1024));
  const nginx = await startNginx({ root });
  try {
    const list = join(work, 'list.txt');
    await writeFile(list, Array.from({ length: FILES }, (_, i) => `${nginx.url}/f${i}.bin\n`).join(''));
    console.log(`dl-get batch bench: ${RUNS} runs, ours = ${ours.join(' ')}`);
    await filesPerSecond(work, list);
    await timeToFirstByte(`${nginx.url}/small`);
  } finally {
    await nginx.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
