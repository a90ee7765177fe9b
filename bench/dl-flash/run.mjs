#!/usr/bin/env node
// Side-by-side benchmark of dl-flash on a loop device over a file (root needed):
//   write:  dl-flash IMG LOOP --no-verify      vs  dd bs=4M oflag=direct conv=fsync
//   verify: the read-back pass of a whole `dl-flash IMG LOOP` (write, then verify; timed from
//           its events, first verify progress to the verify event; a run whose first verify
//           progress the 10/s throttle held back is refused) vs dd iflag=direct of the same
//           range (timed by dd) right after dd wrote the image with conv=fsync
//   verify-only: the same read-back in `dl-flash --verify-only`, which first hashes the
//           image (2 GiB through memory just before), each right after a dd write
//   bmap:   dl-flash --bmap on a sparse image  vs  bmaptool copy (both verify their ranges)
// Alternating who goes first, median of the runs, `ratio dlkit/peer = X` (throughput
// ours/theirs, > 1 is faster), with the CPU time (user + system) of each side beside it:
// on a shared machine it moves less than wall time. dl-flash is built from src/ as
// `npm run build` builds it (build-command.mjs), or --ours CMD. Each pair runs once
// unmeasured first: the first writes after attaching a loop device can take 4× longer.
// The load average is printed before and after.
//
//   node bench/dl-flash/run.mjs [--quick] [--runs N] [--only write,verify,bmap] [--ours CMD]
//
// Full: 2 GiB image, 5 runs. --quick: 256 MiB, 3 runs. Files under /tmp/dlkit-bench-flash-<size>m/.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCommand } from './build-command.mjs';
import { loadAverage, median } from '../lib/stats.mjs';

const MiB = 1 << 20;
const REPO = resolve(import.meta.dirname, '../..');
const { values: opt } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' }, only: { type: 'string' }, ours: { type: 'string' } },
});
const size = (opt.quick ? 256 : 2048) * MiB;
const runs = Number(opt.runs ?? (opt.quick ? 3 : 5));
const only = new Set((opt.only ?? 'write,verify,bmap').split(','));
const dir = `/tmp/dlkit-bench-flash-${size / MiB}m`;
const TIMES = join(tmpdir(), `dlkit-bench-flash-${process.pid}.time`);
process.on('exit', () => rmSync(TIMES, { force: true }));
/** Runs a shell command; `cpu` is its CPU seconds (user + system, children included). */
const sh = (cmd) => {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', TIMES, 'sh', '-c', cmd], { encoding: 'utf8', maxBuffer: 256 * MiB });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  const [user, system] = readFileSync(TIMES, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { ...r, cpu: user + system };
};
/** Wall and CPU seconds of one run; `phase` when the command timed its own phase. */
const timed = (fn) => {
  const t = performance.now();
  const { cpu, phase } = fn();
  return { wall: phase ?? (performance.now() - t) / 1000, cpu };
};

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

function report(name, bytes, ours, peer, peerName, target) {
  const rate = (s) => `${(bytes / s / 1e6).toFixed(0)} MB/s`;
  const cpu = ours.cpu === undefined || peer.cpu === undefined ? '' : ` (CPU ${ours.cpu.toFixed(2)} s vs ${peer.cpu.toFixed(2)} s)`;
  console.log(`${name.padEnd(7)} ${(bytes / MiB).toFixed(0)} MiB: dlkit ${rate(ours.wall)}, ${peerName} ${rate(peer.wall)}, ratio dlkit/peer = ${(peer.wall / ours.wall).toFixed(2)} (target ${target})${cpu}`);
}

/** One unmeasured run each, then alternates the two `runs` times; the median wall and CPU seconds of each. */
function alternate(a, b) {
  a();
  b();
  const ta = [];
  const tb = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) ta.push(timed(a)), tb.push(timed(b));
    else tb.push(timed(b)), ta.push(timed(a));
  }
  // A phase timed from events has no CPU time of its own: only wall time is compared.
  const medians = (ts) => ({ wall: median(ts.map((t) => t.wall)), cpu: ts[0].cpu === undefined ? undefined : median(ts.map((t) => t.cpu)) });
  return [medians(ta), medians(tb)];
}

const eventsOf = (r) => r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

/** A write with events: the whole run, and its engine time (start event to the last end event). */
function writeRun(ours, img, loop) {
  const r = sh(`${ours} ${img} ${loop} --yes --force --no-verify --progress json 2>&1 >/dev/null`);
  const events = eventsOf(r);
  const start = events.find((e) => e.type === 'start');
  const end = events.filter((e) => e.type === 'end').at(-1);
  return { cpu: r.cpu, engine: (Date.parse(end.time) - Date.parse(start.time)) / 1000 };
}

const ddWrite = (img, loop) => sh(`dd if=${img} of=${loop} bs=4M oflag=direct conv=fsync status=none`);

/** Seconds of a run's read-back: its first verify progress event (at byte 0) to its verify event. */
function readBackOf(r) {
  const events = eventsOf(r);
  const first = events.find((e) => e.type === 'progress' && e.phase === 'verify');
  const done = events.find((e) => e.type === 'verify');
  if (first?.bytes !== 0 || !done?.ok) throw new Error(`no whole verify phase: ${r.stdout.slice(-500)}`);
  return { phase: (Date.parse(done.time) - Date.parse(first.time)) / 1000 };
}

/** The read-back after dl-flash's own write (the verify every flash does). */
const flashVerifyPhase = (ours, img, loop) => readBackOf(sh(`${ours} ${img} ${loop} --yes --force --progress json 2>&1 >/dev/null`));

/** The read-back of --verify-only, just after dd wrote the image (it hashes the image first). */
function verifyOnlyPhase(ours, img, loop) {
  ddWrite(img, loop);
  return readBackOf(sh(`${ours} --verify-only ${img} ${loop} --progress json 2>&1 >/dev/null`));
}

/** Seconds dd takes to read the image's range back (as dd reports it), just after dd wrote it. */
function readAfterWrite(img, loop) {
  ddWrite(img, loop);
  const r = sh(`dd if=${loop} of=/dev/null bs=4M iflag=direct count=${size / (4 * MiB)} 2>&1`);
  return { phase: Number(/copied, ([\d.]+) s/.exec(r.stdout)[1]) };
}

/**
 * Milliseconds a bare `node -e 0` takes here (median of 5), and without NODE_EXTRA_CA_CERTS
 * when that is set: Node given it parses every root certificate at start, which
 * bin/dl-flash.js spares itself (NODE_EXTRA_CA_CERTS in dlkit(7)).
 */
function nodeStart() {
  const ms = (env) => median(Array.from({ length: 5 }, () => {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env });
    return performance.now() - t;
  })).toFixed(0);
  const { NODE_EXTRA_CA_CERTS: extra, ...without } = process.env;
  return extra === undefined ? `${ms(process.env)} ms` : `${ms(process.env)} ms, ${ms(without)} ms without NODE_EXTRA_CA_CERTS (set here)`;
}

mkdirSync(dir, { recursive: true });
const ours = opt.ours ?? (await buildCommand(REPO, 'dl-flash'));
console.log(`dl-flash bench: ${size / MiB} MiB, ${runs} runs, median, loop device over ${dir}/target.img; load average ${loadAverage()}`);
console.log(`node start-up (node -e 0): ${nodeStart()}`);
if (only.has('write') || only.has('verify')) {
  const img = image();
  sh(`cat ${img} > /dev/null`); // page cache: both read the source from memory
  withLoop((loop) => {
    if (only.has('write')) {
      const engine = [];
      const [o, p] = alternate(
        () => {
          const r = writeRun(ours, img, loop);
          engine.push(r.engine);
          return r;
        },
        () => ddWrite(img, loop),
      );
      report('write', size, o, p, 'dd bs=4M oflag=direct conv=fsync', '≥ 1.0');
      // The same runs without dl-flash's process start (node, module loading, lsblk): start → end events.
      report('write*', size, { wall: median(engine.slice(1)) }, p, 'dd (whole process)', 'engine only');
    }
    if (only.has('verify')) {
      for (const [name, phase] of [['verify', flashVerifyPhase], ['verify-only', verifyOnlyPhase]]) {
        const [o, p] = alternate(
          () => phase(ours, img, loop),
          () => readAfterWrite(img, loop),
        );
        report(name, size, o, p, 'dd bs=4M iflag=direct (read after a write)', '≥ 0.91, i.e. ≤ 1.1× the read');
      }
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
console.log(`load average ${loadAverage()}`);
