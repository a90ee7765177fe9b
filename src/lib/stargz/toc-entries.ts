import { cleanEntryName } from './entry-name.js';
import { badTocError } from './stargz-errors.js';

/**
 * TOC entries as the reader uses them, checked field by field: a TOC is input from the
 * network, so every name, offset and size is validated before anything trusts it.
 */
export const ENTRY_TYPES = ['reg', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** One compressed chunk: blob bytes [offset, end) decompress to `size` bytes at `chunkOffset` of the file. */
export interface Chunk {
  offset: number;
  end: number;
  chunkOffset: number;
  size: number;
  digest: string | undefined;
}

export interface LayerEntry {
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  /** Unix seconds; undefined when the TOC has none. */
  mtime: number | undefined;
  size: number;
  linkName?: string;
  digest?: string;
  chunks: Chunk[];
}

/** Markers the eStargz builder adds to order prefetching; not part of the image's files. */
const LANDMARKS = new Set(['.prefetch.landmark', '.no.prefetch.landmark']);
/** No real file is a petabyte, no chunk 256 MiB (the builder's default is 4 MiB). */
const MAX_SIZE = 2 ** 50;
const MAX_CHUNK = 256 * 1024 * 1024;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

type Raw = Record<string, unknown>;
interface Pending extends LayerEntry {
  /** Chunks as listed; sizes and ends are filled in once every offset is known. */
  raw: { offset: number; chunkOffset: number; chunkSize: number; digest: string | undefined }[];
}

/** Checks and converts the parsed TOC JSON; `tocOffset` bounds every chunk offset. */
export function tocEntries(toc: unknown, tocOffset: number, label: string): LayerEntry[] {
  const list = (toc as { entries?: unknown } | null)?.entries;
  if (typeof toc !== 'object' || toc === null || !Array.isArray(list)) throw badTocError(label, 'it has no "entries" list');
  const fail = (i: number, why: string): never => {
    throw badTocError(label, `entry ${i}: ${why}`, { entry: i });
  };
  const byPath = new Map<string, Pending>();
  const offsets: number[] = [];
  let last: Pending | undefined;
  list.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) fail(i, 'not an object');
    const raw = item as Raw;
    const name = typeof raw.name === 'string' ? cleanEntryName(raw.name) : undefined;
    if (name === undefined) fail(i, `unsafe or missing name ${JSON.stringify(raw.name)}`);
    const num = (key: string, max = MAX_SIZE): number => uint(raw[key], max) ?? fail(i, `bad ${key} ${JSON.stringify(raw[key])}`);
    const chunk = chunkOf(raw, num, tocOffset, (why) => fail(i, why));
    if (chunk) offsets.push(chunk.offset);
    if (raw.type === 'chunk') {
      if (!last || last.path !== name || !chunk) return fail(i, 'a chunk that follows no file of its name');
      last.raw.push(chunk);
      return;
    }
    if (!ENTRY_TYPES.includes(raw.type as EntryType)) fail(i, `unknown type ${JSON.stringify(raw.type)}`);
    last = undefined;
    if (name === '' || LANDMARKS.has(name!)) return;
    last = entryOf(raw, name!, num, chunk, (why) => fail(i, why));
    byPath.set(name!, last);
  });
  return finish([...byPath.values()], offsets, tocOffset, label);
}

const uint = (v: unknown, max: number): number | undefined =>
  v === undefined ? 0 : Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max ? (v as number) : undefined;

function chunkOf(raw: Raw, num: (k: string, max?: number) => number, tocOffset: number, fail: (why: string) => never): Pending['raw'][number] | undefined {
  const offset = num('offset');
  if (offset === 0) return undefined;
  if (offset >= tocOffset) fail(`offset ${offset} is past the data (TOC at ${tocOffset})`);
  const digest = raw.chunkDigest;
  if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) fail(`bad chunkDigest ${JSON.stringify(digest)}`);
  return { offset, chunkOffset: num('chunkOffset'), chunkSize: num('chunkSize', MAX_CHUNK), digest: digest as string | undefined };
}

function entryOf(raw: Raw, path: string, num: (k: string) => number, chunk: Pending['raw'][number] | undefined, fail: (why: string) => never): Pending {
  const type = raw.type as EntryType;
  const modtime = typeof raw.modtime === 'string' ? Date.parse(raw.modtime) : Number.NaN;
  // A hardlink names a path in the image, cleaned like any name; a symlink's text is kept.
  const linkName = type === 'hardlink' && typeof raw.linkName === 'string' ? cleanEntryName(raw.linkName) : raw.linkName;
  if ((type === 'symlink' || type === 'hardlink') && (typeof linkName !== 'string' || linkName === '')) fail(`a link with a bad target ${JSON.stringify(raw.linkName)}`);
  if (raw.digest !== undefined && (typeof raw.digest !== 'string' || !DIGEST.test(raw.digest))) fail(`bad digest ${JSON.stringify(raw.digest)}`);
  const size = type === 'reg' ? num('size') : 0;
  if (type === 'reg' && size > 0 && !chunk) fail('a non-empty file without an offset');
  return {
    path,
    type,
    mode: num('mode'),
    uid: num('uid'),
    gid: num('gid'),
    mtime: Number.isNaN(modtime) ? undefined : Math.floor(modtime / 1000),
    size,
    ...(typeof linkName === 'string' && linkName !== '' ? { linkName } : {}),
    ...(typeof raw.digest === 'string' ? { digest: raw.digest } : {}),
    chunks: [],
    raw: type === 'reg' && size > 0 && chunk ? [chunk] : [],
  };
}

/** Fills in chunk sizes and compressed ends, checks that chunks tile each file, resolves hardlinks. */
function finish(pending: Pending[], offsets: number[], tocOffset: number, label: string): LayerEntry[] {
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const endOf = (offset: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return sorted[lo] ?? tocOffset;
  };
  const entries = pending.map(({ raw, ...entry }) => {
    entry.chunks = raw.map((c, i) => {
      const size = c.chunkSize > 0 ? c.chunkSize : entry.size - c.chunkOffset;
      const expected = i === 0 ? 0 : raw[i - 1]!.chunkOffset + (raw[i - 1]!.chunkSize || 0);
      // Chunks in file order must also sit in blob order: readers stream a file front to back.
      const ordered = i === 0 || c.offset > raw[i - 1]!.offset;
      if (!ordered || c.chunkOffset !== expected || size <= 0 || c.chunkOffset + size > entry.size || size > MAX_CHUNK) {
        throw badTocError(label, `${entry.path}: its chunks do not tile the file (chunk at ${c.chunkOffset}, size ${size}, file ${entry.size})`);
      }
      return { offset: c.offset, end: endOf(c.offset), chunkOffset: c.chunkOffset, size, digest: c.digest };
    });
    const covered = entry.chunks.reduce((n, c) => n + c.size, 0);
    if (entry.type === 'reg' && covered !== entry.size) throw badTocError(label, `${entry.path}: its chunks cover ${covered} of ${entry.size} bytes`);
    return entry;
  });
  return resolveHardlinks(entries);
}

/** A hardlink gets its target's content (same layer); one to a lower layer is resolved when merging. */
function resolveHardlinks(entries: LayerEntry[]): LayerEntry[] {
  const regs = new Map(entries.filter((e) => e.type === 'reg').map((e) => [e.path, e]));
  for (const e of entries) {
    const target = e.type === 'hardlink' ? regs.get(e.linkName ?? '') : undefined;
    if (target) Object.assign(e, { size: target.size, digest: target.digest, chunks: target.chunks });
  }
  return entries;
}
