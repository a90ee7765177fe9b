import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The built commands (dist/, as `npm run build` and CI make it) on a PATH for real shells.
 * Each tool gets a launcher like bin/<tool>.js; DLKIT_DIST points at another build
 * (e.g. one made while dist/ is someone else's half-built tree).
 */
export const REPO = resolve(import.meta.dirname, '../..');
export const DIST = resolve(process.env.DLKIT_DIST ?? join(REPO, 'dist'));

export const isBuilt = (tool: string): boolean => existsSync(join(DIST, 'commands', `${tool}.cjs`));

/** '<tool> not built yet' for the first of `tools` missing from the build, else undefined. */
export const notBuilt = (...tools: string[]): string | undefined => {
  const missing = tools.find((t) => !isBuilt(t));
  return missing === undefined ? undefined : `${missing} not built yet (no ${join(DIST, 'commands', `${missing}.cjs`)})`;
};

export interface ToolShell {
  /** A scratch directory, the shells' cwd and $HOME. */
  dir: string;
  /** bash -c with `set -o pipefail`, the tools on PATH; stdout and stderr as text. */
  bash(script: string, env?: Record<string, string>): SpawnSyncReturns<string>;
  remove(): void;
}

/** Launchers for every built tool in a fresh directory under the repo's tmp/. */
export function toolShell(): ToolShell {
  mkdirSync(join(REPO, 'tmp'), { recursive: true });
  const root = mkdtempSync(join(REPO, 'tmp', 'pipes-'));
  const bin = join(root, 'bin');
  const dir = join(root, 'work');
  mkdirSync(bin);
  mkdirSync(dir);
  for (const tool of ['dl-get', 'dl-hash', 'dl-unpack', 'dl-flash', 'dl-bench', 'stargz-ls', 'stargz-get', 'dl-progress'].filter(isBuilt)) {
    const launcher = join(bin, `${tool}.cjs`);
    const dist = (p: string): string => JSON.stringify(join(DIST, p));
    writeFileSync(launcher, `require(${dist('cli/launch.cjs')}).launchBundle(${dist(`commands/${tool}.cjs`)});\n`);
    writeFileSync(join(bin, tool), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(launcher)} "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const env = { ...process.env, HOME: dir, XDG_STATE_HOME: join(dir, '.state'), XDG_CONFIG_HOME: join(dir, '.config'), PATH: `${bin}:${process.env.PATH ?? ''}` };
  return {
    dir,
    bash: (script, extra = {}) =>
      spawnSync('bash', ['-c', `set -o pipefail\n${script}`], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
