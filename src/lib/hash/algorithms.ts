import { usageError } from '../errors/dl-error.js';

/**
 * The digest algorithms dl-hash knows, by canonical name, and the hex each prints.
 * Every digest is lowercase hex, byte for byte what the reference tool prints:
 * md5sum, sha1sum, sha256sum, sha512sum, b3sum (256-bit), `xxhsum -H1` (xxh64),
 * `xxhsum -H3` (XXH3 64-bit, canonical big-endian) and, for crc32, zlib's crc32
 * (the ISO-HDLC CRC in gzip trailers, `gzip -l`, python `zlib.crc32`, 7-Zip's CRC32)
 * as 8 hex digits, big-endian — not POSIX `cksum`, which is a different CRC.
 */
export const ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512', 'blake3', 'xxh64', 'xxh3', 'crc32'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** Hex characters in each algorithm's digest (2 per byte). */
export const DIGEST_HEX_LENGTH: Readonly<Record<Algorithm, number>> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  sha512: 128,
  blake3: 64,
  xxh64: 16,
  xxh3: 16,
  crc32: 8,
};

/** One digest per requested algorithm, lowercase hex. */
export type Digests = { readonly [A in Algorithm]?: string };

// Names people type: SHA256, sha-256, SHA_256, b3, xxhash64, xxh3_64, crc-32…
const ALIASES: Readonly<Record<string, Algorithm>> = {
  b3: 'blake3',
  xxhash64: 'xxh64',
  xxh3_64: 'xxh3',
  xxh364: 'xxh3',
  xxhash3: 'xxh3',
  xxh3_64bits: 'xxh3',
};

const normalize = (name: string): string => name.trim().toLowerCase().replace(/[-_\s]/g, '');

const BY_NORMAL_NAME: ReadonlyMap<string, Algorithm> = new Map<string, Algorithm>([
  ...ALGORITHMS.map((a): [string, Algorithm] => [a, a]),
  ...Object.entries(ALIASES).map(([k, a]): [string, Algorithm] => [normalize(k), a]),
]);

/** Canonical algorithm for a name or alias, or undefined. */
export const findAlgorithm = (name: string): Algorithm | undefined => BY_NORMAL_NAME.get(normalize(name));

/** Canonical algorithm for a user-given name; DlError exit 64 listing the known ones. */
export function parseAlgorithm(name: string): Algorithm {
  const algo = findAlgorithm(name);
  if (algo === undefined) {
    throw usageError(`unknown hash algorithm '${name}'`, `use one of: ${ALGORITHMS.join(', ')}`);
  }
  return algo;
}

/** "sha256,blake3" or repeated flags → distinct canonical algorithms, in the order given. */
export function parseAlgorithmList(names: string | readonly string[]): Algorithm[] {
  const parts = (typeof names === 'string' ? [names] : names).flatMap((n) => n.split(','));
  const algos = parts.filter((p) => p.trim() !== '').map(parseAlgorithm);
  if (algos.length === 0) throw usageError('no hash algorithm given', `use one of: ${ALGORITHMS.join(', ')}`);
  return [...new Set(algos)];
}

/** Algorithms whose digest has this many hex characters (64 → sha256 and blake3). */
export const algorithmsForHexLength = (length: number): Algorithm[] =>
  ALGORITHMS.filter((a) => DIGEST_HEX_LENGTH[a] === length);
