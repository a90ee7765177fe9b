import { lstatSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The first parent of `name` inside `dir` that is a symbolic link, made by an earlier
 * entry of this archive (`links`, not necessarily on disk yet) or already on disk; null
 * when none. Writing through one is refused: its target may be anywhere (`link -> /etc`
 * then `link/passwd`), and checking where it points would race with the writes.
 */
export function throughSymlink(dir: string, name: string, links: ReadonlySet<string>): string | null {
  const parts = name.split('/');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (links.has(prefix)) return prefix;
    try {
      if (lstatSync(join(dir, prefix)).isSymbolicLink()) return prefix;
    } catch {
      return null; // a missing parent: nothing deeper exists either
    }
  }
  return null;
}
