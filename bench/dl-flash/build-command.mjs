// Builds the package from src/ as `npm run build` does (tsup.config.ts: one CommonJS bundle
// per command, the launcher, the aliases) into tmp/bench-<tool>/, never
// dist/ (other work builds there), and runs bin/<tool>.js from there: a bench times what
// users run. The native addons are linked in (build/ beside dist/, where findAddon looks).
// Used by bench/dl-flash and bench/dl-bench.
//
// An earlier version passed `entry` to tsup's build(), which applied it to every config of
// tsup.config.ts's array: nine builds of the one command raced into one directory, and
// the result loaded ~20 chunk files and found no addon (it looked four levels up from
// the chunks, one short of build/). It started ~0.1 s slower than bin/dl-flash.js.
import { copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Returns the command line that runs the built `tool` (bin/<tool>.js, as users run it). */
export async function buildCommand(repo, tool) {
  const { build } = await import('tsup');
  const out = join(repo, 'tmp', `bench-${tool}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'bin'), { recursive: true });
  const cwd = process.cwd();
  process.chdir(repo); // tsup reads tsup.config.ts from the working directory
  try {
    await build({ outDir: join(out, 'dist'), dts: false, silent: true });
  } finally {
    process.chdir(cwd);
  }
  for (const file of [`${tool}.js`, 'package.json']) copyFileSync(join(repo, 'bin', file), join(out, 'bin', file));
  symlinkSync(join(repo, 'build'), join(out, 'build'));
  return join(out, 'bin', `${tool}.js`);
}
