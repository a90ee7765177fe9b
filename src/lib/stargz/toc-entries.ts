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
const TYPES: ReadonlySet<unknown> = new Set(ENTRY_TYPES);

type Raw = Record<string, unknown>;

/**
 * Where each chunk's compressed bytes end: at the next offset anywhere in the blob (`offsets`
 * lists every entry's), or at the TOC.
 */
export function chunkEnds(offsets: readonly number[], tocOffset: number): (offset: number) => number {
  // A plain array, not a Float64Array: its values are read back as heap numbers, which
  // turned every chunk's `end` field from small integers to doubles (twice the time).
  // Offsets come in blob order, so the sort is one pass.
  const sorted = [...offsets].sort((a, b) => a - b);
  return (offset) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length ? sorted[lo]! : tocOffset;
  };
}

/** Checks and converts the parsed TOC JSON; `tocOffset` bounds every chunk offset. */
export function tocEntries(toc: unknown, tocOffset: number, label: string): LayerEntry[] {
  const list = (toc as { entries?: unknown } | null)?.entries;
  if (typeof toc !== 'object' || toc === null || !Array.isArray(list)) throw badTocError(label, 'it has no "entries" list');
  const reader = new TocReader(tocOffset, label);
  for (let i = 0; i < list.length; i++) reader.add(list[i], i);
  return reader.finish();
}

/**
 * One pass over the entries. A TOC has thousands, and the CLI reads it once, before
 * V8 has optimised anything: no closures or object copies per entry, mtimes parsed once
 * per distinct text. A chunk's `size` holds the listed chunkSize (0: to the end of the
 * file) and its `end` is unknown until every offset has been seen (finish).
 */
class TocReader {
  private readonly byPath = new Map<string, LayerEntry>();
  private readonly offsets: number[] = [];
  private readonly mtimes = new Map<string, number | undefined>();
  private last: LayerEntry | undefined;
  private index = 0;

  constructor(
    private readonly tocOffset: number,
    private readonly label: string,
  ) {}

  add(item: unknown, i: number): void {
    this.index = i;
    if (typeof item !== 'object' || item === null) this.fail('not an object');
    const raw = item as Raw;
    const name = typeof raw.name === 'string' ? cleanEntryName(raw.name) : undefined;
    if (name === undefined) return this.fail(`unsafe or missing name ${JSON.stringify(raw.name)}`);
    const chunk = this.chunkOf(raw);
    if (chunk) this.offsets.push(chunk.offset);
    if (raw.type === 'chunk') {
      if (!this.last || this.last.path !== name || !chunk) this.fail('a chunk that follows no file of its name');
      this.last!.chunks.push(chunk!);
      return;
    }
    if (!TYPES.has(raw.type)) this.fail(`unknown type ${JSON.stringify(raw.type)}`);
    this.last = undefined;
    if (name === '' || LANDMARKS.has(name)) return;
    this.last = this.entryOf(raw, name, chunk);
    this.byPath.set(name, this.last);
  }

  private fail(why: string): never {
    throw badTocError(this.label, `entry ${this.index}: ${why}`, { entry: this.index });
  }

  /** A whole number in [0, max]; absent is 0. */
  private num(raw: Raw, key: string, max = MAX_SIZE): number {
    const v = raw[key];
    if (v === undefined) return 0;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max) return v;
    return this.fail(`bad ${key} ${JSON.stringify(v)}`);
  }

  private chunkOf(raw: Raw): Chunk | undefined {
    const offset = this.num(raw, 'offset');
    if (offset === 0) return undefined;
    if (offset >= this.tocOffset) this.fail(`offset ${offset} is past the data (TOC at ${this.tocOffset})`);
    const digest = raw.chunkDigest;
    if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) this.fail(`bad chunkDigest ${JSON.stringify(digest)}`);
    return { offset, end: 0, chunkOffset: this.num(raw, 'chunkOffset'), size: this.num(raw, 'chunkSize', MAX_CHUNK), digest: digest as string | undefined };
  }

  private entryOf(raw: Raw, path: string, chunk: Chunk | undefined): LayerEntry {
    const type = raw.type as EntryType;
    // A hardlink names a path in the image, cleaned like any name; a symlink's text is kept.
    const linkName = type === 'hardlink' && typeof raw.linkName === 'string' ? cleanEntryName(raw.linkName) : raw.linkName;
    if ((type === 'symlink' || type === 'hardlink') && (typeof linkName !== 'string' || linkName === '')) this.fail(`a link with a bad target ${JSON.stringify(raw.linkName)}`);
    const digest = raw.digest;
    if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) this.fail(`bad digest ${JSON.stringify(digest)}`);
    const size = type === 'reg' ? this.num(raw, 'size') : 0;
    if (type === 'reg' && size > 0 && !chunk) this.fail('a non-empty file without an offset');
    const entry: LayerEntry = {
      path,
      type,
      mode: this.num(raw, 'mode'),
      uid: this.num(raw, 'uid'),
      gid: this.num(raw, 'gid'),
      mtime: this.mtimeOf(raw.modtime),
      size,
      chunks: type === 'reg' && size > 0 && chunk ? [chunk] : [],
    };
    if (typeof linkName === 'string' && linkName !== '') entry.linkName = linkName;
    if (typeof digest === 'string') entry.digest = digest;
    return entry;
  }

  private mtimeOf(text: unknown): number | undefined {
    if (typeof text !== 'string') return undefined;
    if (this.mtimes.has(text)) return this.mtimes.get(text);
    const ms = Date.parse(text);
    const seconds = Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
    this.mtimes.set(text, seconds);
    return seconds;
  }

  /** Fills in chunk sizes and compressed ends, checks that chunks tile each file, resolves hardlinks. */
  finish(): LayerEntry[] {
    const endOf = chunkEnds(this.offsets, this.tocOffset);
    const entries = [...this.byPath.values()];
    for (const entry of entries) if (entry.chunks.length > 0) this.tile(entry, endOf);
    // A hardlink gets its target's content (same layer); one to a lower layer is resolved when merging.
    for (const e of entries) {
      const target = e.type === 'hardlink' ? this.byPath.get(e.linkName ?? '') : undefined;
      if (target?.type === 'reg') Object.assign(e, { size: target.size, digest: target.digest, chunks: target.chunks });
    }
    return entries;
  }

  private tile(entry: LayerEntry, endOf: (offset: number) => number): void {
    let expected = 0;
    let previous = 0;
    let covered = 0;
    for (const c of entry.chunks) {
      const listed = c.size;
      const size = listed > 0 ? listed : entry.size - c.chunkOffset;
      // Chunks in file order must also sit in blob order: readers stream a file front to back.
      if (c.offset <= previous || c.chunkOffset !== expected || size <= 0 || c.chunkOffset + size > entry.size || size > MAX_CHUNK) {
        throw badTocError(this.label, `${entry.path}: its chunks do not tile the file (chunk at ${c.chunkOffset}, size ${size}, file ${entry.size})`);
      }
      expected = c.chunkOffset + listed;
      previous = c.offset;
      c.size = size;
      c.end = endOf(c.offset);
      covered += size;
    }
    if (entry.type === 'reg' && covered !== entry.size) throw badTocError(this.label, `${entry.path}: its chunks cover ${covered} of ${entry.size} bytes`);
  }
}
