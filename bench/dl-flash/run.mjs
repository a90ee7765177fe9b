#!/usr/bin/env node
// Side-by-side benchmark of dl-flash on a loop device over a file (root needed):
//   write:  dl-flash IMG LOOP --no-verify      vs  dd bs=4M oflag=direct conv=fsync
//   verify: dl-flash's read-back phase (timed from its events) vs dd iflag=direct of the same range
//   bmap:   dl-flash --bmap on a sparse image  vs  bmaptool copy (both verify their ranges)
// Alternating who goes first, median of the runs, `ratio dlkit/peer = X` (throughput
// ours/theirs, > 1 is faster). dl-flash is bundled from src/ with esbuild (or --ours CMD).
//
//   node bench/dl-flash/run.mjs [--quick] [--runs N] [--only write,verify,bmap] [--ours CMD]
//
// Full: 2 GiB image, 5 runs. --quick: 256 MiB, 3 runs. Files under /tmp/dlkit-bench-flash-<size>m/.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const MiB = 1 << 20;
const REPO = resolve(import.meta.dirname, '../..');
const { values: opt } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' }, only: { type: 'string' }, ours: { type: 'string' } },
});
const size = (opt.quick ? 256 : 2048) * MiB;
const runs = Number(opt.runs ?? (opt.quick ? 3 : 5));
const only = new Set((opt.only ?? 'write,verify,bmap').split(','));
const dir = `/tmp/dlkit-bench-flash-${size / MiB}m`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sh = (cmd) => {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', maxBuffer: 256 * MiB });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r;
};
const seconds = (fn) => {
  const t = performance.now();
  const phase = fn(); // a number: the command timed its own phase
  return typeof phase === 'number' ? phase : (performance.now() - t) / 1000;
};

/** Bundled like tsup builds bin/dl-flash.js: split, so what is imported on demand loads on demand. */
async function oursCommand() {
  if (opt.ours) return opt.ours;
  const out = join(REPO, 'tmp', 'bench-dl-flash');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'entry.ts'), `import { main } from ${JSON.stringify(join(REPO, 'src/commands/dl-flash.ts'))};\nmain();\n`);
  await build({ entryPoints: { 'dl-flash': join(out, 'entry.ts') }, outExtension: { '.js': '.mjs' }, bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outdir: out, logLevel: 'error' });
  return `${process.execPath} ${join(out, 'dl-flash.mjs')}`;
}

function file(name, make) {
  const path = join(dir, name);
  if (!existsSync(path)) make(path);
  return path;
}

/** Random data: neither side can profit from compression or zero detection. */
const image = () => file('image.img', (path) => {
  console.log(`creating ${path} (${size / MiB} MiB)`);
  const fd = openSync(path, 'w');
  for (let at = 0; at < size; at += 64 * MiB) writeSync(fd, randomBytes(64 * MiB));
  closeSync(fd);
});

/** Sparse: one random MiB in every four, plus its bmap. */
const sparse = () => file('sparse.img', (path) => {
  sh(`truncate -s ${size} ${path}`);
  const fd = openSync(path, 'r+');
  for (let at = 0; at < size; at += 4 * MiB) writeSync(fd, randomBytes(MiB), 0, MiB, at);
  closeSync(fd);
  sh(`bmaptool create -o ${path}.bmap ${path}`);
});

function withLoop(fn) {
  const backing = file('target.img', (path) => sh(`truncate -s ${size + 64 * MiB} ${path}`));
  const loop = execFileSync('losetup', ['-f', '--show', backing], { encoding: 'utf8' }).trim();
  try {
    return fn(loop);
  } finally {
    execFileSync('losetup', ['-d', loop]);
  }
}

function report(name, bytes, oursS, peerS, peer, target) {
  const rate = (s) => `${(bytes / s / 1e6).toFixed(0)} MB/s`;
  const ratio = peerS / oursS;
  console.log(`${name.padEnd(7)} ${(bytes / MiB).toFixed(0)} MiB: dlkit ${rate(oursS)}, ${peer} ${rate(peerS)}, ratio dlkit/peer = ${ratio.toFixed(2)} (target ${target})`);
}

/** Alternates the two, `runs` times each; returns the median seconds of each. */
function alternate(a, b) {
  const ta = [];
  const tb = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) ta.push(seconds(a)), tb.push(seconds(b));
    else tb.push(seconds(b)), ta.push(seconds(a));
  }
  return [median(ta), median(tb)];
}

/** Runs a write with events; returns the seconds from its start event to its last end event. */
function writePhase(ours, img, loop) {
  const r = sh(`${ours} ${img} ${loop} --yes --force --no-verify --progress json 2>&1 >/dev/null`);
  const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const start = events.find((e) => e.type === 'start');
  const end = events.filter((e) => e.type === 'end').at(-1);
  return (Date.parse(end.time) - Date.parse(start.time)) / 1000;
}

/** Seconds of dl-flash's verify phase: first verify-phase progress event to the verify event. */
function verifyPhase(ours, img, loop) {
  const r = sh(`${ours} ${img} ${loop} --yes --force --progress json 2>&1 >/dev/null`);
  const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const first = events.find((e) => e.type === 'progress' && e.phase === 'verify');
  const done = events.find((e) => e.type === 'verify');
  if (!first || !done?.ok) throw new Error(`no verify phase: ${r.stdout.slice(-500)}`);
  return (Date.parse(done.time) - Date.parse(first.time)) / 1000;
}

mkdirSync(dir, { recursive: true });
const ours = await oursCommand();
console.log(`dl-flash bench: ${size / MiB} MiB, ${runs} runs, median, loop device over ${dir}/target.img`);
if (only.has('write') || only.has('verify')) {
  const img = image();
  sh(`cat ${img} > /dev/null`); // page cache: both read the source from memory
  withLoop((loop) => {
    if (only.has('write')) {
      const phases = [];
      const [o, p] = alternate(
        () => void phases.push(writePhase(ours, img, loop)),
        () => sh(`dd if=${img} of=${loop} bs=4M oflag=direct conv=fsync status=none`),
      );
      report('write', size, o, p, 'dd bs=4M oflag=direct conv=fsync', '≥ 1.0');
      // The same runs without dl-flash's process start (node, module loading, lsblk): start → end events.
      report('write*', size, median(phases), p, 'dd (whole process)', 'engine only');
    }
    if (only.has('verify')) {
      const [o, p] = alternate(
        () => verifyPhase(ours, img, loop),
        () => sh(`dd if=${loop} of=/dev/null bs=4M iflag=direct count=${size / (4 * MiB)} status=none`),
      );
      report('verify', size, o, p, 'dd bs=4M iflag=direct (read only)', '≥ 0.91, i.e. ≤ 1.1× the read');
    }
  });
}
if (only.has('bmap')) {
  const img = sparse();
  sh(`cat ${img} > /dev/null`);
  withLoop((loop) => {
    const [o, p] = alternate(
      () => sh(`${ours} ${img} ${loop} --bmap ${img}.bmap --yes --force --progress none`),
      () => sh(`bmaptool -q copy --bmap ${img}.bmap ${img} ${loop}`),
    );
    report('bmap', size, o, p, 'bmaptool copy', '≥ 1.0');
  });
}
