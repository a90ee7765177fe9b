#!/usr/bin/env node
// Benchmark of lazy fetching from eStargz images (see bench.ts for what is measured).
//
//   node bench/stargz/run.mjs [--files N] [--mib M]
//
// Bundles bench.ts with esbuild (as the tests bundle their fixtures) and runs it; needs
// /usr/bin/docker-registry, curl and the built package (`npm run build`): the CLI timings
// are of bin/stargz-ls.js and bin/stargz-get.js, start-up included.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = resolve(import.meta.dirname);
// Inside the repo, so that the bundle resolves node_modules.
const out = join(here, '..', '..', 'node_modules', '.cache', 'stargz-bench');
mkdirSync(out, { recursive: true });
try {
  const esbuild = join(here, '..', '..', 'node_modules', '.bin', 'esbuild');
  execFileSync(esbuild, [join(here, 'bench.ts'), '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${join(out, 'bench.mjs')}`, '--log-level=warning']);
  execFileSync(process.execPath, [join(out, 'bench.mjs'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: join(here, '..', '..') });
} finally {
  rmSync(out, { recursive: true, force: true });
}
