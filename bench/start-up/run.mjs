#!/usr/bin/env node
// Whole-process time of small jobs, where start-up is most of the run: each command beside
// the tool people would use, alternating, median wall time. Ours runs twice over: "cached"
// with a V8 code cache made by an unmeasured run first (what every run after the first
// does), and "no cache" with DLKIT_NO_CODE_CACHE=1 (a first run, less the ~4 ms of
// writing the cache).
//
//   node bench/start-up/run.mjs [--runs N] [--bin DIR]
//
// --bin runs another build's bin/ (e.g. a worktree of an older commit, to compare). The
// dl-flash case needs root (a loop device) and is left out otherwise.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { loadAverage, median } from '../lib/stats.mjs';

const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '20' }, bin: { type: 'string', default: 'bin' } } });
const runs = Number(opt.runs);
const bin = (tool) => [resolve(opt.bin, `${tool}.js`)];

const dir = mkdtempSync(join(tmpdir(), 'dlkit-bench-start-'));
const small = join(dir, 'small.bin');
const body = Buffer.alloc(1024, 7);
writeFileSync(small, body);
writeFileSync(`${small}.gz`, gzipSync(body));
const image = join(dir, 'image.img');
writeFileSync(image, Buffer.alloc(4 << 20, 1));

// The server runs in this process, which only waits while the commands run.
const server = createServer((_, res) => res.end(body));
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/small.bin`;

let loop;
if (process.getuid?.() === 0) {
  writeFileSync(join(dir, 'target.img'), Buffer.alloc(8 << 20));
  loop = execFileSync('losetup', ['-f', '--show', join(dir, 'target.img')], { encoding: 'utf8' }).trim();
}

const cases = [
  { name: 'dl-hash 1 KiB', ours: [...bin('dl-hash'), small], peer: ['sha256sum', small] },
  { name: 'dl-unpack 1 KiB .gz', ours: [...bin('dl-unpack'), `${small}.gz`, '-o', '/dev/null'], peer: ['gzip', '-dc', `${small}.gz`] },
  { name: 'dl-get 1 KiB', ours: [...bin('dl-get'), url, '-o', '/dev/null', '-q'], peer: ['curl', '-s', '-o', '/dev/null', url] },
  ...(loop ? [{ name: 'dl-flash 4 MiB', ours: [...bin('dl-flash'), image, loop, '--no-verify', '--yes', '--force', '-q'], peer: ['dd', `if=${image}`, `of=${loop}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none'] }] : []),
];

const cacheHome = join(dir, 'cache');
const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
const noCache = { ...env, DLKIT_NO_CODE_CACHE: '1' };

/** Wall milliseconds of one run, which must succeed. */
async function time(cmd, runEnv) {
  const t = process.hrtime.bigint();
  // Asynchronous, so that this process's server answers dl-get and curl meanwhile.
  const r = await new Promise((ok) => {
    const child = spawn(cmd[0], cmd.slice(1), { env: runEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => ok({ status, stderr }));
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return ms;
}

console.log(`start-up bench: ${runs} runs each, alternating, median wall ms; ours from ${resolve(opt.bin)}; load average ${loadAverage()}`);
const bare = [];
for (let i = 0; i < runs; i++) bare.push(await time([process.execPath, '-e', '0'], env));
console.log(`node -e 0: ${median(bare).toFixed(1)} ms${process.env.NODE_EXTRA_CA_CERTS ? ' (NODE_EXTRA_CA_CERTS is set: Node parses it at start)' : ''}`);
try {
  for (const c of cases) {
    await time(c.ours, env); // makes the code cache
    const t = { cached: [], none: [], peer: [] };
    for (let i = 0; i < runs; i++) {
      t.cached.push(await time(c.ours, env));
      t.none.push(await time(c.ours, noCache));
      t.peer.push(await time(c.peer, env));
    }
    const [cached, none, peer] = [median(t.cached), median(t.none), median(t.peer)];
    console.log(`${c.name.padEnd(20)} cached ${cached.toFixed(1)} ms, no cache ${none.toFixed(1)} ms, ${c.peer[0]} ${peer.toFixed(1)} ms; ratio dlkit/peer = ${(peer / cached).toFixed(2)} (no cache ${(peer / none).toFixed(2)})`);
  }
} finally {
  server.close();
  if (loop) spawnSync('losetup', ['-d', loop]);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`load average ${loadAverage()}`);
