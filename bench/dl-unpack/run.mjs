#!/usr/bin/env node
// Side-by-side benchmark of dl-unpack against the native decompressors on one
// disk-image-like input (runs of zeros, random bytes and text, as a sparse image has).
// Each format is compressed once by the peer tool; then ours and the peer decompress it
// to /dev/null alternately, and the median wall times give `ratio dlkit/peer = X`
// (throughput ours/theirs, > 1 is faster) with each side's peak RSS. Outputs are checked
// to be identical once per format.
//
//   node bench/dl-unpack/run.mjs [--full] [--runs N] [--formats gz,xz,xz-mt,zst,bz2]
//
// Default (quick): 128 MiB input, 3 runs. --full: the issue's 1 GiB input, 5 runs. Inputs
// are kept under /tmp/dlkit-bench-unpack-<size>/ between runs. Needs a build (npm run
// build). Each line also gives both sides' CPU seconds (user + system), steadier than wall
// time when the machine is busy; the load average is printed first.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, median } from '../lib/stats.mjs';

const MiB = 1 << 20;
const REPO = resolve(import.meta.dirname, '../..');
const { values: opt } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    runs: { type: 'string' },
    formats: { type: 'string' },
  },
});
const size = (opt.full ? 1024 : 128) * MiB;
const runs = Number(opt.runs ?? (opt.full ? 5 : 3));
const dir = `/tmp/dlkit-bench-unpack-${size / MiB}m`;
const raw = join(dir, 'disk.img');

// name → [compress command (stdin → stdout), peer decompress command, target ratio]
const FORMATS = {
  gz: ['pigz -6 -c', 'pigz -dc', 1.5],
  xz: ['xz -6 -c', 'xz -dc', 1.0],
  'xz-mt': ['xz -6 -T0 -c', 'xz -T0 -dc', 1.0],
  zst: ['zstd -q -3 -c', 'zstd -q -dc', 0.9],
  bz2: ['bzip2 -9 -c', 'bzip2 -dc', 1.0],
};
const formats = opt.formats ? opt.formats.split(',') : Object.keys(FORMATS);
const sh = (cmd) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });

/** 4 MiB stretches: half zeros, a quarter random, a quarter repetitive text. */
function makeImage() {
  if (existsSync(raw)) return;
  mkdirSync(dir, { recursive: true });
  console.log(`creating ${raw} (${size / MiB} MiB, disk-image-like)`);
  const fd = openSync(raw, 'w');
  const zeros = Buffer.alloc(2 * MiB);
  const text = Buffer.from('kernel: usb 1-1: new high-speed USB device number 2 using xhci_hcd\n'.repeat(16000)).subarray(0, MiB);
  let seed = createHash('sha256').update('dlkit').digest();
  for (let done = 0; done < size; done += 4 * MiB) {
    const random = Buffer.alloc(MiB);
    for (let i = 0; i < MiB; i += 32) (seed = createHash('sha256').update(seed).digest()).copy(random, i);
    for (const part of [zeros, random, text]) writeSync(fd, part);
  }
  closeSync(fd);
}

function compressed(name) {
  const file = join(dir, `disk.img.${name}`);
  if (!existsSync(file)) {
    console.log(`compressing with ${FORMATS[name][0]}`);
    const r = sh(`${FORMATS[name][0]} < ${raw} > ${file}.tmp && mv ${file}.tmp ${file}`);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  return file;
}

/** Wall seconds, CPU seconds and peak RSS (MiB) of `cmd > /dev/null`, via /usr/bin/time. */
function timeRun(cmd) {
  const r = sh(`/usr/bin/time -f '%e %U %S %M' sh -c '${cmd} > /dev/null' 2>&1 >/dev/null | tail -1`);
  const [seconds, user, system, kib] = r.stdout.trim().split(' ').map(Number);
  if (!Number.isFinite(seconds)) throw new Error(`${cmd}: ${r.stdout}`);
  return { seconds, cpu: user + system, rss: kib / 1024 };
}

const ours = (file) => `${join(REPO, 'bin', 'dl-unpack.js')} -q ${file}`;

function sameOutput(file, peer) {
  const digest = (cmd) => sh(`${cmd} | sha256sum`).stdout.split(' ')[0];
  return digest(ours(file)) === digest(`${peer} ${file}`) && digest(ours(file)) === digest(`cat ${raw}`);
}

function compare(name) {
  const [, peer, target] = FORMATS[name];
  if (sh(`command -v ${peer.split(' ')[0]}`).status !== 0) return console.log(`${name.padEnd(6)} skipped: ${peer.split(' ')[0]} not installed`);
  const file = compressed(name);
  if (!sameOutput(file, peer)) throw new Error(`${name}: outputs differ`);
  const t = { ours: [], peer: [], oursCpu: [], peerCpu: [], oursRss: 0, peerRss: 0 };
  for (let i = 0; i < runs; i++) {
    for (const who of i % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
      const r = timeRun(who === 'ours' ? ours(file) : `${peer} ${file}`);
      t[who].push(r.seconds);
      t[`${who}Cpu`].push(r.cpu);
      t[`${who}Rss`] = Math.max(t[`${who}Rss`], r.rss);
    }
  }
  const ratio = median(t.peer) / median(t.ours);
  const mbps = (s) => `${((size / MiB) / s).toFixed(0)} MiB/s`;
  const side = (who) => `${median(t[who]).toFixed(2)} s (${mbps(median(t[who]))}, CPU ${median(t[`${who}Cpu`]).toFixed(2)} s, ${t[`${who}Rss`].toFixed(0)} MiB RSS)`;
  console.log(`${name.padEnd(6)} ours ${side('ours')}  ${peer} ${side('peer')}  ratio dlkit/peer = ${ratio.toFixed(2)} (target ≥ ${target})`);
}

if (!existsSync(join(REPO, 'dist', 'commands', 'dl-unpack.js'))) throw new Error('build first: npm run build');
makeImage();
console.log(`load average ${loadAverage()}, ${runs} runs each, median`);
for (const name of formats) compare(name);
