/** A half-open range of byte offsets: [start, end). */
export type ByteRange = readonly [start: number, end: number];

const isOffset = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/**
 * The set of byte ranges already done (written and accounted for), kept sorted, disjoint
 * and with adjacent ranges merged, so equal sets always look the same. Serialises to and
 * from `[[start, end], …]` for checkpoints.
 */
export class ByteRanges {
  #ranges: [number, number][] = [];

  /** Builds a set from untrusted input (a checkpoint), throwing on anything malformed. */
  static from(ranges: unknown): ByteRanges {
    if (!Array.isArray(ranges)) throw new TypeError('byte ranges must be an array of [start, end]');
    const set = new ByteRanges();
    for (const r of ranges as unknown[]) {
      if (!Array.isArray(r) || r.length !== 2) throw new TypeError(`not a [start, end] pair: ${JSON.stringify(r)}`);
      set.add(r[0], r[1]);
    }
    return set;
  }

  /** Marks [start, end) done; merges with what it overlaps or touches. Empty ranges are no-ops. */
  add(start: number, end: number): this {
    if (!isOffset(start) || !isOffset(end) || end < start) throw new RangeError(`invalid byte range [${start}, ${end})`);
    if (start === end) return this;
    const rs = this.#ranges;
    // First range that ends at or after start, last one that starts at or before end: all merge.
    let i = 0;
    while (i < rs.length && rs[i]![1] < start) i++;
    let j = i;
    while (j < rs.length && rs[j]![0] <= end) j++;
    const merged: [number, number] = j > i ? [Math.min(start, rs[i]![0]), Math.max(end, rs[j - 1]![1])] : [start, end];
    rs.splice(i, j - i, merged);
    return this;
  }

  /** The done ranges, sorted and disjoint. */
  get ranges(): readonly ByteRange[] {
    return this.#ranges;
  }

  /** Total bytes done. */
  get done(): number {
    return this.#ranges.reduce((sum, [s, e]) => sum + e - s, 0);
  }

  /** The ranges of [0, size) not done yet, in order: what is left to fetch or write. */
  missing(size: number): ByteRange[] {
    const gaps: ByteRange[] = [];
    let at = 0;
    for (const [s, e] of this.#ranges) {
      if (s >= size) break;
      if (s > at) gaps.push([at, s]);
      at = Math.max(at, e);
    }
    if (at < size) gaps.push([at, size]);
    return gaps;
  }

  /** True when every byte of [0, size) is done. */
  covers(size: number): boolean {
    return this.missing(size).length === 0;
  }

  toJSON(): [number, number][] {
    return this.#ranges.map(([s, e]) => [s, e]);
  }
}
