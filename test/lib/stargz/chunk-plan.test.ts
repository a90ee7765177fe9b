import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSpans } from '../../../src/lib/stargz/chunk-plan.js';
import type { Chunk } from '../../../src/lib/stargz/toc-entries.js';

const chunk = (offset: number, end: number): Chunk => ({ offset, end, chunkOffset: 0, size: 1, digest: undefined });

describe('planSpans', () => {
  it.each([
    ['adjacent chunks of one file: one read', [{ layer: 0, chunks: [chunk(10, 20), chunk(20, 35)] }], [[0, 10, 35]]],
    ['a gap: two reads', [{ layer: 0, chunks: [chunk(10, 20), chunk(25, 30)] }], [[0, 10, 20], [0, 25, 30]]],
    ['adjacent files coalesce, in blob order', [{ layer: 0, chunks: [chunk(20, 30)] }, { layer: 0, chunks: [chunk(10, 20)] }], [[0, 10, 30]]],
    ['a shared chunk (hardlink) is read once', [{ layer: 0, chunks: [chunk(10, 20)] }, { layer: 0, chunks: [chunk(10, 20)] }], [[0, 10, 20]]],
    ['different layers never coalesce', [{ layer: 1, chunks: [chunk(10, 20)] }, { layer: 0, chunks: [chunk(20, 30)] }], [[0, 20, 30], [1, 10, 20]]],
  ])('%s', (_what, requests, spans) => {
    expect(planSpans(requests).map((s) => [s.layer, s.start, s.end])).toEqual(spans);
  });

  it('caps a span at maxSpan but never splits a chunk', () => {
    const spans = planSpans([{ layer: 0, chunks: [chunk(0, 60), chunk(60, 120), chunk(120, 130)] }], 100);
    expect(spans.map((s) => [s.start, s.end])).toEqual([[0, 60], [60, 130]]);
  });

  it('reads every needed chunk exactly once, nothing else, in order (property)', () => {
    const layout = fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 40 }).map((ends) => {
      const sorted = [...ends].sort((a, b) => a - b);
      return sorted.map((end, i) => chunk(i === 0 ? 0 : sorted[i - 1]!, end));
    });
    fc.assert(
      fc.property(layout, fc.array(fc.nat(), { maxLength: 60 }), fc.integer({ min: 1, max: 600 }), (chunks, picks, max) => {
        const wanted = picks.map((p) => chunks[p % chunks.length]!);
        const spans = planSpans([{ layer: 0, chunks: wanted }], max);
        const read = spans.flatMap((s) => s.chunks.map((n) => n.chunk.offset));
        expect(read).toEqual([...new Set(wanted.map((c) => c.offset))].sort((a, b) => a - b));
        for (const s of spans) {
          expect(s.chunks[0]!.chunk.offset).toBe(s.start);
          expect(s.chunks.at(-1)!.chunk.end).toBe(s.end);
          s.chunks.forEach((n, i) => i > 0 && expect(n.chunk.offset).toBe(s.chunks[i - 1]!.chunk.end));
          if (s.chunks.length > 1) expect(s.end - s.start).toBeLessThanOrEqual(max);
        }
      }),
    );
  });
});
