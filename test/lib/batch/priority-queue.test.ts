import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriorityQueue } from '../../../src/lib/batch/priority-queue.js';

describe('PriorityQueue', () => {
  it('gives higher priorities first and keeps insertion order within a priority', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 200 }), (priorities) => {
        const q = new PriorityQueue<number>();
        priorities.forEach((p, i) => q.push(i, p));
        const out = q.drain();
        const expected = priorities.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p || a.i - b.i).map((x) => x.i);
        expect(out).toEqual(expected);
        expect(q.size).toBe(0);
      }),
    );
  });

  it('peek shows the head without taking it', () => {
    const q = new PriorityQueue<string>();
    q.push('low', 0);
    q.push('high', 5);
    expect(q.peek()).toEqual({ item: 'high', priority: 5 });
    expect(q.shift()).toBe('high');
    expect(q.shift()).toBe('low');
    expect(q.shift()).toBeUndefined();
  });
});
