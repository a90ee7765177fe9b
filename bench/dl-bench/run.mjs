#!/usr/bin/env node
// dl-bench's sequential write throughput against fio's on the same targets: a file and a
// loop device. After one unmeasured run of each, runs dl-bench and `fio --rw=write
// --bs=4M --direct=1` alternately (which goes first alternates too), prints each pair
// side by side, the median of each, and `ratio dl-bench/fio = X`, the median of the
// pairs' ratios; the target is 0.85–1.15. Needs root (losetup) and fio.
//
//   node bench/dl-bench/run.mjs [--quick] [--runs N] [--size 1G] [--dir DIR] [--ours "CMD"]
//
// Full: 1 GiB per run, 9 runs each. --quick: 256 MiB, 3 runs. Targets live in --dir
// (default /tmp); the loop device is attached with --direct-io=on, so it writes through to
// the disk like the file does, and detached at the end. --dir /dev/shm puts both on tmpfs
// (O_DIRECT there needs Linux ≥ 6.6): no disk in the way, only the tools' own costs.
// dl-bench is built from src/ as `npm run build` builds it (../dl-flash/build-command.mjs);
// --ours "CMD" runs another. The load average is printed before and after.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCommand } from '../dl-flash/build-command.mjs';
import { loadAverage, median } from '../lib/stats.mjs';

const MiB = 1 << 20;
const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    size: { type: 'string' },
    dir: { type: 'string', default: '/tmp' },
    ours: { type: 'string' },
  },
});
const size = opt.size ?? (opt.quick ? '256M' : '1G');
// A shared virtual disk gave single runs from 850 to 2,400 MiB/s for the same fio command:
// the full profile takes nine pairs, and the spread of their ratios is printed.
const runs = Number(opt.runs ?? (opt.quick ? 3 : 9));
const ours = (opt.ours ?? (await buildCommand(resolve(import.meta.dirname, '../..'), 'dl-bench'))).split(' ');
const TOLERANCE = 0.15;

const mibs = (bps) => `${(bps / MiB).toFixed(1).padStart(8)} MiB/s`;

function ourSpeed(target) {
  const args = ['--size', size, '--block-size', '4M', '--json', '--progress', 'none', '--yes', '--force', target];
  const r = spawnSync(ours[0], [...ours.slice(1), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dl-bench failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout).bytesPerSecond.mean;
}

function fioSpeed(target) {
  const args = ['--name=seqwrite', `--filename=${target}`, '--rw=write', '--bs=4M', '--direct=1', `--size=${size}`, '--output-format=json'];
  const r = spawnSync('fio', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fio failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).jobs[0].write.bw_bytes;
}

function compare(label, target) {
  console.log(`\n${label}: ${target}, ${size} per run, ${runs} runs each\n${'run'.padEnd(5)}${'dl-bench'.padStart(16)}${'fio'.padStart(16)}`);
  // One unmeasured run each first: the first writes to fresh extents cost more.
  ourSpeed(target);
  fioSpeed(target);
  const mine = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first, so neither always gets the fresher drive.
    const pair = i % 2 === 0 ? [ourSpeed(target), fioSpeed(target)] : [fioSpeed(target), ourSpeed(target)].reverse();
    mine.push(pair[0]);
    theirs.push(pair[1]);
    console.log(`${String(i + 1).padEnd(5)}${mibs(pair[0])}${mibs(pair[1])}`);
  }
  // Each pair ran back to back, under the same load: the median of their ratios is the
  // steadier figure on a shared machine; the ratio of the medians is printed beside it.
  const ratios = mine.map((m, i) => m / theirs[i]);
  const ratio = median(ratios);
  const verdict = Math.abs(ratio - 1) <= TOLERANCE ? 'ok' : 'OUTSIDE ±15%';
  console.log(`${'med'.padEnd(5)}${mibs(median(mine))}${mibs(median(theirs))}  (ratio of medians ${(median(mine) / median(theirs)).toFixed(2)})`);
  console.log(`ratio dl-bench/fio = ${ratio.toFixed(2)}, median of the pairs (${verdict}; pairs from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`);
  return Math.abs(ratio - 1) <= TOLERANCE;
}

function makeFile(path) {
  execFileSync('fallocate', ['-l', size, path]);
  return path;
}

const file = makeFile(join(opt.dir, 'dlkit-bench-file.img'));
const backing = makeFile(join(opt.dir, 'dlkit-bench-loop.img'));
const loop = execFileSync('losetup', ['-f', '--show', '--direct-io=on', backing], { encoding: 'utf8' }).trim();
let ok = false;
console.log(`load average ${loadAverage()}`);
try {
  ok = [compare('file', file), compare('loop device', loop)].every(Boolean);
} finally {
  execFileSync('losetup', ['-d', loop]);
  rmSync(file, { force: true });
  rmSync(backing, { force: true });
}
console.log(`load average ${loadAverage()}`);
process.exitCode = ok ? 0 : 1;
