/** A name that is empty, has `.`, `..` or empty components, a leading or trailing `/`, or a NUL. */
const UNCLEAN = /^\.{0,2}(?:\/|$)|\/\/|\/\.{1,2}(?:\/|$)|\/$|\0/;

/**
 * A TOC name as a clean relative path: `./a/b/` → `a/b`, `/etc//x` → `etc/x`, `./` → ''
 * (the root). Returns undefined for names that could leave the image root (`..`
 * components) or cannot name a file (NUL): such a TOC is refused, not repaired.
 */
export function cleanEntryName(raw: string): string | undefined {
  // Builders write clean names: one test spares thousands of splits and joins.
  if (!UNCLEAN.test(raw)) return raw;
  if (raw.includes('\0')) return undefined;
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}

/** The parent of a clean path ('' for top-level names). */
export const parentOf = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
};

export const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** `a/b/c` → ['a', 'a/b']: the directories above a path, outermost first. */
export function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** OCI whiteouts: `.wh.NAME` removes NAME of the layers below; the opaque one empties its directory. */
export const WHITEOUT = '.wh.';
export const OPAQUE = '.wh..wh..opq';

/** The path a `.wh.NAME` whiteout at `path` removes from the layers below. */
export function whitedOut(path: string): string {
  const dir = parentOf(path);
  const name = baseOf(path).slice(WHITEOUT.length);
  return dir === '' ? name : `${dir}/${name}`;
}
