import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/lib/retry/retry-after.js';

const NOW = Date.UTC(1994, 10, 6, 8, 49, 0); // 37 s before the RFC's example date

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number | undefined]>([
    ['120', 120_000],
    [' 0 ', 0],
    ['Sun, 06 Nov 1994 08:49:37 GMT', 37_000], // IMF-fixdate
    ['Sunday, 06-Nov-94 08:49:37 GMT', 37_000], // RFC 850
    ['Sun Nov  6 08:49:37 1994', 37_000], // asctime, GMT by definition
    ['Sun, 06 Nov 1994 08:00:00 GMT', 0], // already past
    ['1.5', undefined],
    ['-5', undefined],
    ['soon', undefined],
    ['2024-01-01T00:00:00Z', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('round-trips any future IMF-fixdate written by Date#toUTCString', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400 }), (seconds) => {
        const header = new Date(NOW + seconds * 1000).toUTCString();
        return parseRetryAfter(header, NOW) === seconds * 1000;
      }),
    );
  });
});
