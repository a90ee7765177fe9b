/**
 * dl-get against curl and aria2c, nginx on 127.0.0.1, alternating who goes first, median
 * wall time, `ratio dlkit/peer = X` (peer time / our time: > 1 means we are faster).
 *
 *   A. one connection to a file (2 GiB; --quick 256 MiB): vs `curl -o` and `aria2c -x1`,
 *      target ≥ 1.0 each.
 *   B. nginx `limit_rate 20m` per connection (1 GiB; --quick 256 MiB): `-s 16 -k 1M` vs
 *      `aria2c -x16 -s16 -k1M`, target ≥ 1.0.
 *   C. peak RSS (VmHWM) of dl-get for B to a file and to stdout into a reader taking
 *      20 MB/s, target < 150 MiB (A and B also print each tool's peak RSS and CPU time,
 *      user + system, from /usr/bin/time: less noisy than wall time on a shared machine).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx } from '../../test/servers/nginx.js';
import { loadAverage, median } from '../lib/stats.mjs';

const MiB = 1 << 20;
const { values: opt } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' }, ours: { type: 'string', default: 'bin/dl-get.js' } },
});
const runs = Number(opt.runs ?? (opt.quick ? 3 : 3));
const ours = opt.ours!.split(' ');
const root = '/tmp/dlkit-bench-www';
const outDir = '/tmp/dlkit-bench-out';
const sizes = { one: (opt.quick ? 256 : 2048) * MiB, slow: (opt.quick ? 256 : 1024) * MiB };

const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function ensureFile(name: string, size: number): string {
  mkdirSync(root, { recursive: true });
  const file = join(root, name);
  if (existsSync(file) && statSync(file).size === size) return file;
  const fd = openSync(file, 'w');
  const buf = Buffer.allocUnsafe(16 * MiB);
  for (let done = 0; done < size; done += buf.length) writeSync(fd, randomFillSync(buf), 0, Math.min(buf.length, size - done));
  closeSync(fd);
  return file;
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 4 * MiB })) h.update(c as Buffer);
  return h.digest('hex');
}

interface Run {
  wall: number;
  /** user + system CPU seconds, and peak RSS in MiB, from /usr/bin/time (NaN without it). */
  cpu: number;
  rssMiB: number;
}

const TIME = '/usr/bin/time';

function timeRun(cmd: string[]): Run {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir);
  spawnSync('sync');
  const usage = `${outDir}-time.txt`;
  const timed = existsSync(TIME) ? [TIME, '-o', usage, '-f', '%U %S %M', ...cmd] : cmd;
  const t = process.hrtime.bigint();
  const r = spawnSync(timed[0]!, timed.slice(1), { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [user, sys, kib] = existsSync(TIME) ? readFileSync(usage, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : [NaN, NaN, NaN];
  return { wall, cpu: user! + sys!, rssMiB: kib! / 1024 };
}

/** Runs our variants and the peers alternately (rotating who goes first), then prints medians and ratios. */
function compare(label: string, size: number, variants: Record<string, string[]>, peers: Record<string, string[]>, target: number): void {
  const names = Object.keys(peers).filter((p) => have(peers[p]![0]!));
  const cmds: Record<string, string[]> = { ...variants, ...Object.fromEntries(names.map((n) => [n, peers[n]!])) };
  const order = Object.keys(cmds);
  const runsOf: Record<string, Run[]> = Object.fromEntries(order.map((n) => [n, []]));
  const loadBefore = loadAverage();
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < order.length; j++) {
      const who = order[(i + j) % order.length]!;
      runsOf[who]!.push(timeRun(cmds[who]!));
    }
  }
  const wall = (n: string): number => median(runsOf[n]!.map((r) => r.wall));
  const stats = (n: string): string => {
    const rs = runsOf[n]!;
    const rate = `${Math.round(size / 1e6 / wall(n))} MB/s`.padStart(10);
    return `${rate}  cpu ${median(rs.map((r) => r.cpu)).toFixed(2)} s  peak RSS ${Math.max(...rs.map((r) => r.rssMiB)).toFixed(0)} MiB`;
  };
  console.log(`${label} (median of ${runs}; load average ${loadBefore} before, ${loadAverage()} after)`);
  for (const [v, cmd] of Object.entries(variants)) {
    console.log(`  ${v.padEnd(18)} ${stats(v)}   [${cmd.slice(ours.length).join(' ')}]`);
    for (const n of names) {
      const ratio = wall(n) / wall(v);
      console.log(`    vs ${n.padEnd(12)} ${stats(n)}  ratio dlkit/peer = ${ratio.toFixed(2)} (target ≥ ${target}) ${ratio >= target ? 'ok' : 'BELOW'}`);
    }
  }
  for (const n of Object.keys(peers).filter((p) => !names.includes(p))) console.log(`  vs ${n}: skipped (${peers[n]![0]} not installed)`);
}

function peakRss(label: string, shell: string): Promise<void> {
  return new Promise((resolve, reject) => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir);
    // dl-get is the shell itself (bash execs a lone command) or one of its children.
    const child = spawn('bash', ['-c', shell], { stdio: 'ignore' });
    let peak = 0;
    const timer = setInterval(() => {
      const kids = spawnSync('pgrep', ['-P', String(child.pid), '-f', 'dl-get'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
      for (const pid of [String(child.pid), ...kids]) {
        try {
          peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
        } catch {}
      }
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${label}: exit ${code}`));
      const mib = peak / 1024;
      console.log(`peak RSS ${label}: ${mib.toFixed(0)} MiB (target < 150) ${mib < 150 ? 'ok' : 'ABOVE'}`);
      resolve();
    });
  });
}

/** A consumer that reads stdin at 20 MB/s, pausing whenever it is ahead of that pace. */
function writeReader(): string {
  const path = '/tmp/dlkit-bench-reader-20mbs.cjs';
  writeFileSync(path, `let n = 0; const t0 = Date.now();
process.stdin.on('data', (c) => {
  n += c.length;
  const ahead = (n / 20e6) * 1000 - (Date.now() - t0);
  if (ahead > 0) { process.stdin.pause(); setTimeout(() => process.stdin.resume(), ahead); }
});
`);
  return path;
}

const file = ensureFile(`one-${sizes.one / MiB}m.bin`, sizes.one);
const slowFile = ensureFile(`slow-${sizes.slow / MiB}m.bin`, sizes.slow);
const nginx = await startNginx({ root, extraConfig: `location /slow/ { alias ${root}/; limit_rate 20m; }` });
try {
  const url = `${nginx.url}/${file.split('/').pop()}`;
  const out = join(outDir, 'out.bin');
  const ariaOut = ['-d', outDir, '-o', 'out.bin', '--allow-overwrite=true', '--auto-file-renaming=false', '--file-allocation=none', '-q'];
  const variants = (args: string[]) => ({ 'dl-get': [...ours, ...args], 'dl-get --no-fsync': [...ours, '--no-fsync', ...args] });
  compare(`A. ${sizes.one / MiB} MiB, one connection, to a file`, sizes.one, variants(['-q', '-s', '1', '-o', out, url]), {
    curl: ['curl', '-s', '-o', out, url],
    'aria2c -x1': ['aria2c', '-x1', '-s1', ...ariaOut, url],
  }, 1.0);
  timeRun([...ours, '-q', '-s', '1', '-o', out, url]);
  console.log(`  digest check: ${(await sha256(out)) === (await sha256(file)) ? 'identical' : 'DIFFERENT'}`);

  const slowUrl = `${nginx.url}/slow/${slowFile.split('/').pop()}`;
  compare(`B. ${sizes.slow / MiB} MiB, limit_rate 20m per connection`, sizes.slow, variants(['-q', '-s', '16', '-k', '1M', '-o', out, slowUrl]), {
    'aria2c -x16': ['aria2c', '-x16', '-s16', '-k1M', ...ariaOut, slowUrl],
  }, 1.0);

  const cmd = ours.join(' ');
  await peakRss('-s 16 to a file', `${cmd} -q -s 16 -k 1M -o ${out} ${slowUrl}`);
  const reader = `node ${writeReader()}`;
  await peakRss('-s 16 to stdout, reader at ~20 MB/s', `set -o pipefail; ${cmd} -q -s 16 -k 1M ${slowUrl} | ${reader}`);
} finally {
  await nginx.stop();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(`${outDir}-time.txt`, { force: true });
}
