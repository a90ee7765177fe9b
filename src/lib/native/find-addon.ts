import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const found = new Map<string, unknown>();

/**
 * One of the addons binding.gyp builds at install (build/Release/NAME.node), or undefined
 * where it was not built: each has a fallback. Looked for in this module's ancestors: the
 * package root is one level above dist/, three above src/lib/native/.
 */
export function findAddon<T>(name: string): T | undefined {
  if (!found.has(name)) {
    found.set(name, undefined);
    for (let dir = dirname(fileURLToPath(import.meta.url)), up = 0; up < 4; dir = dirname(dir), up++) {
      const path = join(dir, 'build', 'Release', `${name}.node`);
      if (existsSync(path)) {
        found.set(name, createRequire(import.meta.url)(path));
        break;
      }
    }
  }
  return found.get(name) as T | undefined;
}
