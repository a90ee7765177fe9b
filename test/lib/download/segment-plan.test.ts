import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteRanges } from '../../../src/lib/checkpoint/byte-ranges.js';
import { SegmentPlan, type Segment } from '../../../src/lib/download/segment-plan.js';

/** Disjoint sorted gaps from a list of cut points. */
const gapsArb = fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 2, maxLength: 12 }).map((xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const gaps: [number, number][] = [];
  for (let i = 0; i + 1 < s.length; i += 2) gaps.push([s[i]!, s[i + 1]!]);
  return gaps;
});

describe('SegmentPlan (work stealing)', () => {
  it('covers every missing byte exactly once, whatever the workers do', () => {
    fc.assert(
      fc.property(gapsArb, fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 400 }), (gaps, minSplit, workers, steps) => {
        const plan = new SegmentPlan(gaps, minSplit);
        const fetched = new ByteRanges();
        let total = 0;
        const active: (Segment | undefined)[] = Array.from({ length: workers }, () => plan.take());
        const advance = (w: number, by: number): void => {
          const seg = active[w];
          if (!seg) return;
          const n = Math.min(by, seg.end - seg.received);
          fetched.add(seg.received, seg.received + n);
          total += n;
          seg.received += n;
          if (seg.received >= seg.end) {
            plan.release(seg);
            active[w] = plan.take();
          }
        };
        for (const step of steps) advance(step % workers, (step % 97) * 1000 + 1);
        // Drain: every worker keeps going until the plan is idle.
        for (let guard = 0; active.some(Boolean) && guard < 100_000; guard++) active.forEach((_, w) => advance(w, 64 * 1024));
        expect(plan.idle).toBe(true);
        expect(fetched.ranges).toEqual(ByteRanges.from(gaps).ranges);
        expect(total).toBe(gaps.reduce((n, [s, e]) => n + e - s, 0));
      }),
    );
  });

  it('steals the second half of the largest running segment, never below twice minSplit', () => {
    const plan = new SegmentPlan([[0, 1000]], 100);
    const a = plan.take()!;
    const b = plan.take()!;
    expect([a.start, a.end, b.start, b.end]).toEqual([0, 500, 500, 1000]);
    a.received = 350;
    b.received = 600;
    const c = plan.take()!;
    expect([c.start, c.end, b.end]).toEqual([800, 1000, 800]);
    const d = plan.take()!; // b has 200 left: exactly 2 × minSplit, still split
    expect([d.start, d.end, b.end]).toEqual([700, 800, 700]);
    c.received = 850;
    expect(plan.take()).toBeUndefined(); // 150, 100, 150, 100 left: all below 2 × 100
  });
});
