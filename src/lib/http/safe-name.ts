import { isAbsolute, relative, resolve } from 'node:path';
import { DlError, ExitCode } from '../errors/dl-error.js';

const FALLBACK = 'download';
// C0 and C1 controls, DEL, and the separators of both path styles.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]/g;
const MAX_BYTES = 255;

/**
 * A name proposed by a server (Content-Disposition, URL path) made safe to create in the
 * user's directory: basename only (both `/` and `\` split), control characters and NUL
 * removed, no leading dots (no `..`, no hidden files), at most 255 bytes. Falls back to
 * `fallback` when nothing usable is left.
 */
export function safeFileName(proposed: string | undefined, fallback = FALLBACK): string {
  const base = (proposed ?? '').split(/[/\\]/).pop() ?? '';
  let name = base.replace(UNSAFE, '').trim().replace(/^\.+/, '').trim();
  while (Buffer.byteLength(name) > MAX_BYTES) name = [...name].slice(0, -1).join('');
  return name === '' ? fallback : name;
}

/** The last path segment of a URL, percent-decoded, as a proposed file name. */
export function urlFileName(url: string): string | undefined {
  const last = new URL(url).pathname.split('/').pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** `dir/name`, refusing anything that would land outside `dir` (belt and braces). */
export function pathInside(dir: string, name: string): string {
  const full = resolve(dir, name);
  const rel = relative(resolve(dir), full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new DlError(`refusing to write "${name}" outside ${dir}`, {
      code: 'DL_ERR_UNSAFE_NAME',
      exitCode: ExitCode.REFUSED,
      hint: 'name the output with -o FILE',
    });
  }
  return full;
}
