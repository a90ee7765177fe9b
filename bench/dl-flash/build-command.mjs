// Builds one command from src/ the way `npm run build` does, so a bench times what users
// run: tsup.config.ts decides what is bundled (rxjs, yargs: a bundled start is ~0.1 s
// shorter than loading their packages), the aliases and the code splitting. Output goes
// to tmp/bench-<tool>/, never dist/ (other work builds there). Used by bench/dl-flash and
// bench/dl-bench.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Returns the command line that runs the built `tool` (its `main`, like bin/<tool>.js). */
export async function buildCommand(repo, tool) {
  const { build } = await import('tsup');
  const out = join(repo, 'tmp', `bench-${tool}`);
  const cwd = process.cwd();
  process.chdir(repo); // tsup reads tsup.config.ts from the working directory
  try {
    await build({ entry: { [tool]: `src/commands/${tool}.ts` }, outDir: out, dts: false, sourcemap: false, clean: true, silent: true });
  } finally {
    process.chdir(cwd);
  }
  writeFileSync(join(out, 'main.mjs'), `import { main } from './${tool}.js';\nmain();\n`);
  return `${process.execPath} ${join(out, 'main.mjs')}`;
}
