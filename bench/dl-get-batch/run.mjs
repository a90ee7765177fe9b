#!/usr/bin/env node
// Side-by-side benchmark of dl-get's batch mode against aria2c, and of its time to the
// first byte against curl (see bench.ts for what is measured).
//
//   node bench/dl-get-batch/run.mjs [--quick] [--runs N] [--files N] [--ours "CMD"]
//   (full: 2,000 files, 7 runs; --quick: the same files, 3 runs)
//
// Bundles bench.ts (which starts a private nginx through test/servers/nginx.ts) with esbuild
// and times the built package (`npm run build`: bin/dl-get.js, start-up included, as users
// run it) unless --ours names another command. (A bundle of the sources with every package
// external starts 2-3 times slower than the build: it loads undici, rxjs and yargs whole.)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = resolve(import.meta.dirname);
const root = join(here, '..', '..');
// Inside the repo, so that the bundles resolve node_modules.
const out = join(root, 'node_modules', '.cache', 'dl-get-batch-bench');
mkdirSync(out, { recursive: true });
try {
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  const bundle = (entry, name) =>
    execFileSync(esbuild, [entry, '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${join(out, name)}`, '--log-level=warning']);
  bundle(join(here, 'bench.ts'), 'bench.mjs');
  const args = process.argv.slice(2);
  const ours = args.includes('--ours') ? [] : ['--ours', join(root, 'bin', 'dl-get.js')];
  execFileSync(process.execPath, [join(out, 'bench.mjs'), ...ours, ...args], { stdio: 'inherit', cwd: root });
} finally {
  rmSync(out, { recursive: true, force: true });
}
