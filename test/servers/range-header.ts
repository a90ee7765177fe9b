/** The half-open byte range [start, end) a server sends for one `Range: bytes=…` header. */
export interface ServedRange {
  start: number;
  end: number;
}

/**
 * Parses a single-range `Range` header the way nginx does: `a-b`, `a-`, `-n`. Multiple
 * ranges or garbage are ignored (whole body); a start past the end is unsatisfiable.
 */
export function parseRangeHeader(header: string, size: number): ServedRange | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Math.min(Number(m[2]), size);
    return n === 0 ? 'unsatisfiable' : { start: size - n, end: size };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (last < start) return undefined;
  return { start, end: last + 1 };
}
