import { integrityError } from '../errors/dl-error.js';
import { ALGORITHMS, type Digests } from './algorithms.js';

/**
 * Throws DL_ERR_INTEGRITY (exit 65) naming the first algorithm whose actual digest differs
 * from the expected one (compared case-insensitively). An expected algorithm that was not
 * computed is a programming error, reported the same way so it can never pass silently.
 */
export function verifyDigests(actual: Digests, expected: Digests, name = 'input'): void {
  for (const algorithm of ALGORITHMS) {
    const want = expected[algorithm]?.toLowerCase();
    if (want === undefined) continue;
    const got = actual[algorithm];
    if (got !== want) {
      throw integrityError(
        `${name}: ${algorithm} mismatch: expected ${want}, got ${got ?? 'nothing (not computed)'}`,
        { algorithm, expected: want, actual: got ?? null },
        'the data is corrupt or the expected digest is wrong; fetch it again or check the digest',
      );
    }
  }
}
