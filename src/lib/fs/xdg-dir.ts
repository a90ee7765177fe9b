import { isAbsolute, join } from 'node:path';

export type XdgKind = 'config' | 'state' | 'cache';

const VARIABLE: Record<XdgKind, string> = { config: 'XDG_CONFIG_HOME', state: 'XDG_STATE_HOME', cache: 'XDG_CACHE_HOME' };
const UNDER_HOME: Record<XdgKind, string[]> = { config: ['.config'], state: ['.local', 'state'], cache: ['.cache'] };

/**
 * dlkit's directory of one XDG kind: `$XDG_<KIND>_HOME/dlkit`, else `~/.config/dlkit`,
 * `~/.local/state/dlkit` or `~/.cache/dlkit`; undefined with neither set. The XDG Base
 * Directory spec calls a relative path in the variable invalid: it is ignored.
 */
export function xdgDir(env: Readonly<Record<string, string | undefined>>, kind: XdgKind): string | undefined {
  const given = env[VARIABLE[kind]];
  const base = given && isAbsolute(given) ? given : env.HOME ? join(env.HOME, ...UNDER_HOME[kind]) : undefined;
  return base && join(base, 'dlkit');
}
