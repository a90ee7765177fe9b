import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const found = new Map<string, { path: string; addon: unknown } | null>();

/**
 * One of the addons binding.gyp builds at install (build/Release/NAME.node) and its path
 * (for worker threads), or undefined where it was not built: each has a fallback. Looked
 * for in the module's ancestors: the package root is one level above dist/, three above
 * src/lib/<area>/.
 */
export function findAddon<T>(name: string, from: string = import.meta.url): { path: string; addon: T } | undefined {
  if (!found.has(name)) {
    found.set(name, null);
    for (let dir = dirname(fileURLToPath(from)), up = 0; up < 4; dir = dirname(dir), up++) {
      const path = join(dir, 'build', 'Release', `${name}.node`);
      if (existsSync(path)) {
        found.set(name, { path, addon: loadAddon(path) });
        break;
      }
    }
  }
  return (found.get(name) ?? undefined) as { path: string; addon: T } | undefined;
}

export const loadAddon = <T>(path: string): T => createRequire(import.meta.url)(path) as T;
