import type { ByteRange } from '../checkpoint/byte-ranges.js';

/**
 * A byte range one connection is fetching: [start, end), of which [start, received) has
 * arrived. `end` may shrink while it runs: an idle connection steals the tail.
 */
export interface Segment {
  readonly start: number;
  end: number;
  received: number;
}

/**
 * Hands out the ranges still missing, in order; once none is left unstarted, an idle
 * connection splits the running segment with the most bytes left (like aria2c -k): the
 * thief takes the second half, the victim stops at the new end. Ranges smaller than
 * twice `minSplit` are not split, so the tail does not dissolve into tiny requests.
 */
export class SegmentPlan {
  readonly #queue: Segment[];
  readonly #active = new Set<Segment>();

  constructor(
    missing: readonly ByteRange[],
    readonly minSplit: number,
  ) {
    this.#queue = missing.map(([start, end]) => ({ start, end, received: start }));
  }

  take(): Segment | undefined {
    const next = this.#queue.shift() ?? this.#steal();
    if (next) this.#active.add(next);
    return next;
  }

  /** A segment is done (or failed for good); its connection is free for another take(). */
  release(seg: Segment): void {
    this.#active.delete(seg);
  }

  /** Puts a segment's unfetched rest back for another connection (its source was dropped). */
  requeue(seg: Segment): void {
    this.#active.delete(seg);
    if (seg.received < seg.end) this.#queue.unshift({ start: seg.received, end: seg.end, received: seg.received });
  }

  get idle(): boolean {
    return this.#queue.length === 0 && this.#active.size === 0;
  }

  #steal(): Segment | undefined {
    let victim: Segment | undefined;
    for (const s of this.#active) if (!victim || s.end - s.received > victim.end - victim.received) victim = s;
    if (!victim) return undefined;
    const left = victim.end - victim.received;
    if (left < 2 * this.minSplit) return undefined;
    const mid = victim.received + Math.ceil(left / 2);
    const stolen: Segment = { start: mid, end: victim.end, received: mid };
    victim.end = mid;
    return stolen;
  }
}
