import { describe, expect, it } from 'vitest';
import { parseExpect, parseExpectList } from '../../../src/lib/hash/parse-expect.js';

const SHA256 = 'ab'.repeat(32);
const MD5 = 'cd'.repeat(16);

describe('parseExpect', () => {
  it.each([
    [`sha256:${SHA256}`, 'sha256', SHA256],
    [`SHA256:${SHA256.toUpperCase()}`, 'sha256', SHA256],
    [SHA256, 'sha256', SHA256],
    [MD5, 'md5', MD5],
  ])('%s', (text, algorithm, digest) => {
    expect(parseExpect(text)).toEqual({ algorithm, digest });
  });

  it.each([['sha256:abc'], [`md5:${SHA256}`], ['zz'.repeat(32)]])('rejects %s', (text) => {
    expect(() => parseExpect(text)).toThrow(/not ALGO:HEX/);
  });

  it('names an unknown algorithm', () => {
    expect(() => parseExpect(`nope:${SHA256}`)).toThrow(/unknown hash algorithm 'nope'/);
  });
});

describe('parseExpectList', () => {
  it('keeps one digest per algorithm, repeats allowed', () => {
    expect(parseExpectList([`sha256:${SHA256}`, SHA256, `md5:${MD5}`])).toEqual({ sha256: SHA256, md5: MD5 });
  });

  it('two different digests for one algorithm is a usage error', () => {
    expect(() => parseExpectList([SHA256, 'ef'.repeat(32)])).toThrow(/two different sha256 digests/);
  });
});
