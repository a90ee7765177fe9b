import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../src/cli/parse-byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['1048576', 1048576],
    ['512k', 512 * 1024],
    ['10M', 10 * 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    ['4MiB', 4 * 1024 ** 2],
    [' 2 kb ', 2048],
  ])('%s', (text, bytes) => {
    expect(parseByteSize(text, '--size')).toBe(bytes);
  });

  it.each([['0'], ['-1'], ['10X'], [''], ['M']])('rejects %j naming the option', (text) => {
    expect(() => parseByteSize(text, '--limit-rate')).toThrow(/--limit-rate .*not a size/);
  });
});
