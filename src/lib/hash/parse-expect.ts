import { usageError } from '../errors/dl-error.js';
import { DIGEST_HEX_LENGTH, parseAlgorithm, type Algorithm } from './algorithms.js';
import { UNTAGGED_BY_LENGTH } from './sums-parse.js';

export interface ExpectedDigest {
  algorithm: Algorithm;
  digest: string;
}

/** One `--expect ALGO:HEX`, or bare HEX whose length names the algorithm (64 → sha256). */
export function parseExpect(text: string): ExpectedDigest {
  const colon = text.lastIndexOf(':');
  const digest = text.slice(colon + 1).trim().toLowerCase();
  const algorithm = colon >= 0 ? parseAlgorithm(text.slice(0, colon)) : UNTAGGED_BY_LENGTH.get(digest.length);
  if (algorithm === undefined || digest.length !== DIGEST_HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/.test(digest)) {
    throw usageError(`--expect ${text}: not ALGO:HEX`, 'e.g. --expect sha256: followed by 64 hex digits');
  }
  return { algorithm, digest };
}

/**
 * Repeated `--expect` values into one expected digest per algorithm. Two different
 * digests for one algorithm can never both match, so that is a usage error.
 */
export function parseExpectList(values: readonly string[]): Partial<Record<Algorithm, string>> {
  const out: Partial<Record<Algorithm, string>> = {};
  for (const text of values) {
    const { algorithm, digest } = parseExpect(text);
    if (out[algorithm] !== undefined && out[algorithm] !== digest) throw usageError(`--expect gives two different ${algorithm} digests`);
    out[algorithm] = digest;
  }
  return out;
}
