import { describe, expect, test } from 'vitest';
import { formatBytes, formatDuration, formatRate } from '../../../src/cli/progress/format-units.js';

describe('format-units', () => {
  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1023.6, '1.00 KiB'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [12.34 * 1024 ** 2, '12.3 MiB'],
    [123.4 * 1024 ** 3, '123 GiB'],
    [1024 ** 2 - 1, '1.00 MiB'],
    [2 ** 53, '8.00 PiB'],
    [-1, '--'],
  ])('formatBytes(%d) = %s', (n, s) => expect(formatBytes(n)).toBe(s));

  test.each([
    [0, '0s'],
    [45.4, '45s'],
    [59.6, '1m00s'],
    [65, '1m05s'],
    [3725, '1h02m'],
    [90061, '1d01h'],
    [undefined, '--'],
    [Infinity, '--'],
  ])('formatDuration(%s) = %s', (s, out) => expect(formatDuration(s)).toBe(out));

  test('formatRate', () => {
    expect(formatRate(5 * 1024 ** 2)).toBe('5.00 MiB/s');
    expect(formatRate(undefined)).toBe('--/s');
  });
});
