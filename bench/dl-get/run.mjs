#!/usr/bin/env node
// Side-by-side benchmark of dl-get against curl and aria2c on a private nginx (see
// bench.ts for what is measured and the targets).
//
//   node bench/dl-get/run.mjs [--quick] [--runs N] [--ours "CMD"]
//
// Times the built package (`npm run build`: bin/dl-get.js, start-up included, as users run
// it) unless --ours names another command. Bundles bench.ts with esbuild (inside
// node_modules/.cache so its imports resolve) and runs it; needs nginx, curl and aria2c.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = resolve(import.meta.dirname);
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
if (!args.includes('--ours') && !existsSync(join(repo, 'dist', 'commands', 'dl-get.js'))) {
  console.error('dist/ is missing: run `npm run build` first (the benchmark times bin/dl-get.js)');
  process.exit(1);
}
const out = join(repo, 'node_modules', '.cache', 'dl-get-bench');
mkdirSync(out, { recursive: true });
try {
  const esbuild = join(repo, 'node_modules', '.bin', 'esbuild');
  execFileSync(esbuild, [join(here, 'bench.ts'), '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${join(out, 'bench.mjs')}`, '--log-level=warning']);
  execFileSync(process.execPath, [join(out, 'bench.mjs'), ...args], { stdio: 'inherit', cwd: repo });
} finally {
  rmSync(out, { recursive: true, force: true });
}
