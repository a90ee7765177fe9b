import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { ByteRanges, type ByteRange } from '../../../src/lib/checkpoint/byte-ranges.js';

const SIZE = 200;
const range = fc.tuple(fc.nat(SIZE), fc.nat(SIZE)).map(([a, b]): ByteRange => (a <= b ? [a, b] : [b, a]));
const rangeList = fc.array(range, { maxLength: 30 });
const withShuffle = rangeList.chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length })));

const build = (rs: readonly ByteRange[]): ByteRanges => rs.reduce((set, [s, e]) => set.add(s, e), new ByteRanges());

/** The model: one boolean per byte. */
const bitmap = (rs: readonly ByteRange[], size: number): boolean[] => {
  const bits = new Array<boolean>(size).fill(false);
  for (const [s, e] of rs) for (let i = s; i < Math.min(e, size); i++) bits[i] = true;
  return bits;
};

describe('ByteRanges', () => {
  test.each<[string, ByteRange[], ByteRange[]]>([
    ['empty', [], []],
    ['empty range ignored', [[5, 5]], []],
    ['adjacent merge', [[0, 5], [5, 10]], [[0, 10]]],
    ['overlap merge', [[0, 6], [4, 10]], [[0, 10]]],
    ['gap kept', [[0, 4], [6, 10]], [[0, 4], [6, 10]]],
    ['bridge merges three', [[0, 2], [8, 10], [4, 6], [2, 8]], [[0, 10]]],
    ['contained', [[0, 10], [3, 4]], [[0, 10]]],
    ['sorted out of order', [[20, 30], [0, 5]], [[0, 5], [20, 30]]],
  ])('add: %s', (_name, adds, expected) => {
    expect(build(adds).ranges).toEqual(expected);
  });

  test.each<[ByteRange[], number, ByteRange[]]>([
    [[], 10, [[0, 10]]],
    [[[0, 10]], 10, []],
    [[[2, 4], [6, 8]], 10, [[0, 2], [4, 6], [8, 10]]],
    [[[0, 4], [8, 20]], 10, [[4, 8]]],
    [[[12, 20]], 10, [[0, 10]]],
    [[[0, 3]], 0, []],
  ])('missing(%j, %i) = %j', (adds, size, gaps) => {
    expect(build(adds).missing(size)).toEqual(gaps);
  });

  test.each([[[-1, 2]], [[3, 2]], [[0.5, 2]], [[0, Number.MAX_SAFE_INTEGER + 2]]])('add rejects %j', ([s, e]) => {
    expect(() => new ByteRanges().add(s as number, e as number)).toThrow(RangeError);
  });

  test.each([['not an array', {}], ['not pairs', [[1, 2, 3]]], ['strings', [['0', '4']]], ['reversed', [[4, 0]]]])(
    'from rejects %s',
    (_name, input) => {
      expect(() => ByteRanges.from(input)).toThrow();
    },
  );

  it('round-trips through JSON', () => {
    const set = build([[0, 4], [9, 12]]);
    expect(ByteRanges.from(JSON.parse(JSON.stringify(set))).ranges).toEqual(set.ranges);
  });

  it('property: sorted, disjoint, never adjacent, and equal to the bitmap model', () => {
    fc.assert(
      fc.property(rangeList, (rs) => {
        const set = build(rs);
        set.ranges.forEach(([s, e], i) => {
          expect(s).toBeLessThan(e);
          if (i > 0) expect(s).toBeGreaterThan(set.ranges[i - 1]![1]);
        });
        expect(bitmap(set.ranges, SIZE)).toEqual(bitmap(rs, SIZE));
        expect(set.done).toBe(bitmap(rs, SIZE).filter(Boolean).length);
      }),
    );
  });

  it('property: merging is idempotent and order-independent', () => {
    fc.assert(
      fc.property(withShuffle, ([rs, shuffled]) => {
        const once = build(rs).toJSON();
        expect(build([...rs, ...rs]).toJSON()).toEqual(once);
        expect(build(shuffled).toJSON()).toEqual(once);
        expect(build(build(rs).ranges).toJSON()).toEqual(once);
      }),
    );
  });

  it('property: missing and done partition [0, size)', () => {
    fc.assert(
      fc.property(rangeList, fc.nat(SIZE + 20), (rs, size) => {
        const set = build(rs);
        const gaps = set.missing(size);
        const done = bitmap(set.ranges, size);
        const missing = bitmap(gaps, size);
        for (let i = 0; i < size; i++) expect(done[i] !== missing[i]).toBe(true);
        gaps.forEach(([s, e], i) => {
          expect(s).toBeLessThan(e);
          expect(e).toBeLessThanOrEqual(size);
          if (i > 0) expect(s).toBeGreaterThan(gaps[i - 1]![1]);
        });
        expect(set.covers(size)).toBe(gaps.length === 0);
      }),
    );
  });
});
