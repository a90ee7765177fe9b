import { describe, expect, it } from 'vitest';
import {
  ALGORITHMS,
  algorithmsForHexLength,
  findAlgorithm,
  parseAlgorithm,
  parseAlgorithmList,
} from '../../../src/lib/hash/algorithms.js';
import { DlError } from '../../../src/lib/errors/dl-error.js';

describe('parseAlgorithm', () => {
  it.each([
    ['sha256', 'sha256'],
    ['SHA256', 'sha256'],
    ['sha-256', 'sha256'],
    ['SHA_512', 'sha512'],
    ['MD5', 'md5'],
    ['Sha-1', 'sha1'],
    ['BLAKE3', 'blake3'],
    ['b3', 'blake3'],
    ['xxhash64', 'xxh64'],
    ['XXH3_64', 'xxh3'],
    ['crc-32', 'crc32'],
  ])('%s → %s', (name, algo) => {
    expect(parseAlgorithm(name)).toBe(algo);
  });

  it('rejects an unknown name with a usage error (64) listing the supported ones', () => {
    let error: unknown;
    try {
      parseAlgorithm('sha3-256');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DlError);
    expect(error).toMatchObject({ code: 'DL_ERR_USAGE', exitCode: 64 });
    for (const a of ALGORITHMS) expect((error as DlError).hint).toContain(a);
    expect(findAlgorithm('sha3-256')).toBeUndefined();
  });
});

describe('parseAlgorithmList', () => {
  it('splits commas, dedupes, keeps order', () => {
    expect(parseAlgorithmList('SHA256,b3,sha256')).toEqual(['sha256', 'blake3']);
    expect(parseAlgorithmList(['md5', 'xxh3,crc32'])).toEqual(['md5', 'xxh3', 'crc32']);
  });

  it('refuses an empty list', () => {
    expect(() => parseAlgorithmList(' , ')).toThrow(expect.objectContaining({ exitCode: 64 }));
  });
});

it('algorithmsForHexLength tells the candidates for a digest length', () => {
  expect(algorithmsForHexLength(64)).toEqual(['sha256', 'blake3']);
  expect(algorithmsForHexLength(16)).toEqual(['xxh64', 'xxh3']);
  expect(algorithmsForHexLength(10)).toEqual([]);
});
