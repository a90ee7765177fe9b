import { isAbsolute, relative, resolve } from 'node:path';

/**
 * The last line of defence: the absolute path of a relative name in `dir`, or null when
 * it would land outside `dir` (or be `dir` itself), whatever the rules before it missed.
 */
export function resolveInside(dir: string, name: string): string | null {
  const root = resolve(dir);
  const target = resolve(root, name);
  const rel = relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return null;
  return target;
}
