import { cleanEntryName } from './entry-name.js';
import type { ImageEntry } from './merge-layers.js';

const GLOB = /[*?[\]{}]/;

export const isGlob = (arg: string): boolean => GLOB.test(arg);

/**
 * The entries a PATH or GLOB argument names: an exact path (leading `/` or `./` allowed;
 * '' or '/' is the root, returned as []), or a glob matched against whole paths (`*`
 * stays within one directory, `**` crosses them, dot files included). Undefined: none.
 */
export async function matchArgument(files: readonly ImageEntry[], arg: string): Promise<ImageEntry[] | undefined> {
  if (isGlob(arg)) {
    // Loaded for globs only: importing picomatch took ~13 ms of every start.
    const { default: picomatch } = await import('picomatch');
    const isMatch = picomatch(arg.replace(/^(\.?\/)+/, ''), { dot: true });
    const found = files.filter((f) => isMatch(f.path));
    return found.length > 0 ? found : undefined;
  }
  const path = cleanEntryName(arg);
  if (path === undefined) return undefined;
  if (path === '') return [];
  const entry = files.find((f) => f.path === path);
  return entry ? [entry] : undefined;
}

/** What is under `dir` ('' for the root): its children, or every descendant when `recursive`. */
export function entriesUnder(files: readonly ImageEntry[], dir: string, recursive: boolean): ImageEntry[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  return files.filter((f) => f.path.startsWith(prefix) && f.path !== dir && (recursive || !f.path.slice(prefix.length).includes('/')));
}

/**
 * What `ls` shows for one argument: a directory's contents (everything below with
 * `recursive`), a file itself, a glob's matches (and, recursive, what is below them).
 */
export async function listingFor(files: readonly ImageEntry[], arg: string, recursive: boolean): Promise<ImageEntry[] | undefined> {
  const found = await matchArgument(files, arg);
  if (found === undefined) return undefined;
  if (found.length === 0) return entriesUnder(files, '', recursive);
  if (!isGlob(arg)) return found[0]!.type === 'dir' ? entriesUnder(files, found[0]!.path, recursive) : found;
  return found.flatMap((e) => (e.type === 'dir' && recursive ? [e, ...entriesUnder(files, e.path, true)] : [e]));
}
