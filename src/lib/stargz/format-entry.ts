import type { ImageEntry } from './merge-layers.js';

const TYPE_CHAR: Record<ImageEntry['type'], string> = { reg: '-', hardlink: '-', dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p' };

/** `drwxr-xr-x`, with s/S and t/T for setuid, setgid and sticky, as ls(1) shows them. */
export function modeText(type: ImageEntry['type'], mode: number): string {
  // A listing has a handful of distinct modes: each is spelt once (2,000 lines of -l
  // spent ~20 ms in this and mtimeText before V8 optimised them).
  const key = `${TYPE_CHAR[type]}${mode & 0o7777}`;
  let text = modeTexts.get(key);
  if (text === undefined) modeTexts.set(key, (text = spellMode(type, mode)));
  return text;
}

const modeTexts = new Map<string, string>();

function spellMode(type: ImageEntry['type'], mode: number): string {
  const bit = (m: number, c: string): string => (mode & m ? c : '-');
  const special = (x: number, s: number, lower: string): string => (mode & s ? (mode & x ? lower : lower.toUpperCase()) : mode & x ? 'x' : '-');
  return [
    TYPE_CHAR[type],
    bit(0o400, 'r'), bit(0o200, 'w'), special(0o100, 0o4000, 's'),
    bit(0o040, 'r'), bit(0o020, 'w'), special(0o010, 0o2000, 's'),
    bit(0o004, 'r'), bit(0o002, 'w'), special(0o001, 0o1000, 't'),
  ].join('');
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** UTC `YYYY-MM-DD HH:MM`, the same on every machine (images are built elsewhere). */
export function mtimeText(mtime: number | undefined): string {
  if (mtime === undefined) return '-               ';
  const d = new Date(mtime * 1000);
  // One native call for the usual years; the others as the fields say.
  const iso = d.toISOString();
  if (iso.length === 24 && iso[0] !== '0') return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** Names as ls -b would not: control characters escaped so a hostile name cannot drive the terminal. */
export const safeName = (name: string): string => name.replace(/[\0-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** One `ls -l`-like line: mode, owner, size, mtime, layer, name (-> target). */
export function longLine(e: ImageEntry, sizeWidth: number): string {
  const link = e.linkName === undefined ? '' : ` ${e.type === 'hardlink' ? 'link to' : '->'} ${safeName(e.linkName)}`;
  const owner = `${e.uid}/${e.gid}`.padEnd(9);
  return `${modeText(e.type, e.mode)} ${owner} ${String(e.size).padStart(sizeWidth)} ${mtimeText(e.mtime)} L${e.layer} ${safeName(e.path)}${link}\n`;
}

/** The NDJSON record of an entry (`--json`): octal mode text, the layer's digest. */
export function entryRecord(e: ImageEntry, digests: readonly string[]): Record<string, unknown> {
  return {
    path: e.path,
    type: e.type,
    mode: e.implicit ? null : (e.mode & 0o7777).toString(8).padStart(4, '0'),
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    mtime: e.mtime ?? null,
    ...(e.linkName === undefined ? {} : { linkName: e.linkName }),
    ...(e.digest === undefined ? {} : { digest: e.digest }),
    layer: e.layer,
    layerDigest: digests[e.layer] || null,
    ...(e.implicit ? { implicit: true } : {}),
  };
}
