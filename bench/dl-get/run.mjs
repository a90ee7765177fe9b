#!/usr/bin/env node
// Side-by-side benchmark of dl-get against curl and aria2c on a private nginx (see
// bench.ts for what is measured and the targets).
//
//   node bench/dl-get/run.mjs [--quick] [--runs N] [--ours "CMD"]
//
// Bundles bench.ts and the dl-get command with esbuild (inside node_modules/.cache so
// their imports resolve) and runs them; needs nginx, curl and aria2c.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = resolve(import.meta.dirname);
const repo = join(here, '..', '..');
const out = join(repo, 'node_modules', '.cache', 'dl-get-bench');
mkdirSync(out, { recursive: true });
try {
  const esbuild = join(repo, 'node_modules', '.bin', 'esbuild');
  const bundle = (entry, name, externals) =>
    execFileSync(esbuild, [entry, '--bundle', '--platform=node', '--format=esm', ...externals, `--outfile=${join(out, name)}`, '--log-level=warning']);
  bundle(join(here, 'bench.ts'), 'bench.mjs', ['--packages=external']);
  // Like dist (tsup.config.ts): dependencies external except rxjs, which is bundled.
  const { dependencies } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const externals = Object.keys(dependencies).filter((d) => d !== 'rxjs').map((d) => `--external:${d}`);
  writeFileSync(join(out, 'cli.ts'), `import { main } from '${join(repo, 'src', 'commands', 'dl-get.ts')}';\nmain();\n`);
  bundle(join(out, 'cli.ts'), 'dl-get.mjs', externals);
  const args = process.argv.slice(2);
  const ours = args.includes('--ours') ? [] : ['--ours', `node ${join(out, 'dl-get.mjs')}`];
  execFileSync(process.execPath, [join(out, 'bench.mjs'), ...ours, ...args], { stdio: 'inherit', cwd: repo });
} finally {
  rmSync(out, { recursive: true, force: true });
}
