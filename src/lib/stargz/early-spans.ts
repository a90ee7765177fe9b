import { planSpans, type Span } from './chunk-plan.js';
import { ancestorsOf, baseOf, cleanEntryName, OPAQUE, parentOf, WHITEOUT, whitedOut } from './entry-name.js';
import type { LayerToc } from './open-layer.js';
import { chunkEnds, type Chunk } from './toc-entries.js';

type Raw = Record<string, unknown>;

const rawEntries = (toc: unknown): readonly Raw[] => {
  const list = (toc as { entries?: unknown } | null)?.entries;
  return Array.isArray(list) ? (list as Raw[]) : [];
};

const nameOf = (e: Raw): string | undefined => (typeof e?.name === 'string' ? cleanEntryName(e.name) : undefined);
const isOffset = (v: unknown, below: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v < below;
/** `path` is `tree` or below it ('' is the root). */
const within = (path: string, tree: string): boolean => tree === '' || path === tree || path.startsWith(`${tree}/`);

/**
 * The ranged reads readFiles will make for the regular file at `path`, guessed from the
 * TOCs as read, before tocEntries has checked them and mergeLayers has merged them, so
 * that the bytes are on their way during that work. Only a guess: a read started early
 * is used only for exactly the span readFiles asks of that layer, and everything is
 * checked as usual. None when the top-most layer naming the path does not plainly hold
 * it as a non-empty regular file, or when a layer above could hide it.
 */
export function earlySpans(tocs: readonly LayerToc[], path: string): Span[] {
  const clean = cleanEntryName(path);
  if (!clean) return [];
  const ancestors = new Set(['', ...ancestorsOf(clean)]);
  for (let layer = tocs.length - 1; layer >= 0; layer--) {
    const list = rawEntries(tocs[layer]!.toc);
    const at = list.findLastIndex((e) => e?.type !== 'chunk' && nameOf(e) === clean);
    if (at >= 0) return spansOf(list, at, layer, tocs[layer]!.footer.tocOffset);
    if (list.some((e) => hides(e, clean, ancestors))) return [];
  }
  return [];
}

/** Whether an entry of an upper layer could hide `path` in the layers below it. */
function hides(e: Raw, path: string, ancestors: ReadonlySet<string>): boolean {
  const name = nameOf(e);
  if (name === undefined) return true;
  if (ancestors.has(name)) return e.type !== 'dir';
  const base = baseOf(name);
  if (!base.startsWith(WHITEOUT)) return false;
  if (base === OPAQUE) {
    const dir = parentOf(name);
    return path !== dir && within(path, dir);
  }
  return within(path, whitedOut(name));
}

/** The spans of the file listed at `at` (its chunk entries follow it), as planSpans makes them. */
function spansOf(list: readonly Raw[], at: number, layer: number, tocOffset: number): Span[] {
  const file = list[at]!;
  if (file.type !== 'reg' || !isOffset(file.size, Number.MAX_SAFE_INTEGER)) return [];
  const listed = [file];
  for (let i = at + 1; list[i]?.type === 'chunk' && list[i]!.name === file.name; i++) listed.push(list[i]!);
  if (!listed.every((c) => isOffset(c.offset, tocOffset))) return [];
  const endOf = chunkEnds(list.filter((e) => isOffset(e?.offset, tocOffset)).map((e) => e.offset as number), tocOffset);
  const chunks = listed.map((c): Chunk => {
    const offset = c.offset as number;
    return { offset, end: endOf(offset), chunkOffset: Number(c.chunkOffset ?? 0), size: Number(c.chunkSize ?? 0), digest: undefined };
  });
  return planSpans([{ layer, chunks }]);
}
