interface Entry<T> {
  item: T;
  priority: number;
  seq: number;
}

/**
 * A binary heap: higher priority first, and first in, first out within one priority (an
 * insertion counter breaks ties, so equal priorities never reorder).
 */
export class PriorityQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T, priority: number): void {
    this.heap.push({ item, priority, seq: this.seq++ });
    this.up(this.heap.length - 1);
  }

  /** The first item and its priority, left in place. */
  peek(): { item: T; priority: number } | undefined {
    const top = this.heap[0];
    return top && { item: top.item, priority: top.priority };
  }

  shift(): T | undefined {
    return this.pop()?.item;
  }

  /** Removes everything, in queue order. */
  drain(): T[] {
    const out: T[] = [];
    while (this.heap.length > 0) out.push(this.pop()!.item);
    return out;
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
  }

  private pop(): Entry<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) return;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let best = i;
      if (l < h.length && this.before(h[l]!, h[best]!)) best = l;
      if (r < h.length && this.before(h[r]!, h[best]!)) best = r;
      if (best === i) return;
      [h[i], h[best]] = [h[best]!, h[i]!];
      i = best;
    }
  }
}
