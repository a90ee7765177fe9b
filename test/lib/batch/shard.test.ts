import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardOf } from '../../../src/lib/batch/shard.js';

describe('--shard K/N', () => {
  it('the shards K = 1..N of a list cover it exactly once: union is the input, no overlap', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.webUrl(), { maxLength: 100 }), fc.integer({ min: 1, max: 12 }), (urls, n) => {
        const shards = Array.from({ length: n }, (_, k) => urls.filter((u) => inShard(u, { index: k + 1, count: n })));
        expect(shards.flat().sort()).toEqual([...urls].sort());
        expect(shards.reduce((sum, s) => sum + s.length, 0)).toBe(urls.length);
      }),
      { numRuns: 50 },
    );
  });

  it('is a fixed function of the URL (the same on every machine)', () => {
    expect(shardOf('https://example.org/a', 4)).toBe(shardOf('https://example.org/a', 4));
    expect([1, 2, 3, 4]).toContain(shardOf('https://example.org/a', 4));
    // SHA-256 of the URL, first 8 bytes big-endian (0xb5b10dd0429e69ac) mod 1000, plus 1: pinned.
    expect(shardOf('https://example.org/a', 1000)).toBe(181);
  });

  it.each(['0/4', '5/4', '1/0', 'x', '1/2/3', ''])('%s is a usage error', (text) => {
    expect(() => parseShard(text)).toThrow(/--shard/);
  });

  it('parses K/N', () => {
    expect(parseShard(' 2/4 ')).toEqual({ index: 2, count: 4 });
  });
});
