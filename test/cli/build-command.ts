import { build } from 'esbuild';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

export interface BuiltCommand {
  /** An executable named after the tool (a sh launcher), for shells and PATH. */
  bin: string;
  dir: string;
  remove: () => Promise<void>;
}

/**
 * Bundles a command module (one that exports `main`, as src/commands/<tool>.ts do) into
 * a real executable: launch() first, as bin/<tool>.js has it, and the command imported by
 * it as an ES module (bin/<tool>.js runs tsup's CommonJS bundle with a code cache, which
 * test/e2e/code-cache.test.ts covers). Placed under the repo's tmp/ (git-ignored) so that
 * its bare imports (yargs, smol-toml) resolve to the repo's node_modules.
 */
export async function buildCommand(tool: string, modulePath: string): Promise<BuiltCommand> {
  await mkdir(join(REPO, 'tmp'), { recursive: true });
  const dir = await mkdtemp(join(REPO, 'tmp', 'cli-'));
  const entry = join(dir, 'entry.ts');
  // As bin/<tool>.js: launch() answers --version before the command module is loaded.
  const launch = join(REPO, 'src', 'cli', 'launch.ts');
  await writeFile(entry, `import { launch } from ${JSON.stringify(launch)};\nlaunch(() => import(${JSON.stringify(modulePath)}));\n`);
  // Split like tsup, so what a command imports on demand is loaded on demand.
  await build({
    entryPoints: { [tool]: entry },
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: dir,
    logLevel: 'error',
  });
  const outfile = join(dir, `${tool}.mjs`);
  const bin = join(dir, tool);
  await writeFile(bin, `#!/bin/sh\nexec node ${JSON.stringify(outfile)} "$@"\n`);
  await chmod(bin, 0o755);
  return { bin, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
