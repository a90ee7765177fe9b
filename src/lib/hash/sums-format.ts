import type { Algorithm } from './algorithms.js';

/**
 * The checksum-list ("SUMS") line, byte for byte as GNU coreutils 9.1 (md5sum, sha1sum,
 * sha256sum, sha512sum) and b3sum 1.2 print it:
 *
 *   untagged   [\]HEX␠␠NAME⏎         GNU, and b3sum for blake3
 *   tagged     [\]TAG␠(NAME)␠=␠HEX⏎  `sha256sum --tag`; TAG from SUMS_TAGS
 *
 * A leading backslash says NAME is escaped: `\\` for a backslash, `\n` for a newline and,
 * GNU only, `\r` for a carriage return. GNU escapes a name holding any of the three; b3sum
 * one holding a backslash or a newline, and writes a carriage return raw. With `-z` a line
 * ends in NUL instead of a newline and nothing is escaped (GNU's `--zero`).
 */

/** The tag of a BSD-style line; coreutils' own for md5 and sha*, the same shape for the rest. */
export const SUMS_TAGS: Readonly<Record<Algorithm, string>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  sha256: 'SHA256',
  sha512: 'SHA512',
  blake3: 'BLAKE3',
  xxh64: 'XXH64',
  xxh3: 'XXH3',
  crc32: 'CRC32',
};

export interface SumsRecord {
  name: string;
  algorithm: Algorithm;
  /** Lowercase hex. */
  digest: string;
}

export interface SumsFormatOptions {
  /** BSD-style `TAG (NAME) = HEX`. */
  tag?: boolean;
  /** NUL-terminated, unescaped (`-z`). */
  zero?: boolean;
}

/** Which characters a writer escapes: GNU's three, or b3sum's two. */
export type EscapeStyle = 'gnu' | 'b3sum';

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE: Readonly<Record<EscapeStyle, RegExp>> = { gnu: /[\\\n\r]/, b3sum: /[\\\n]/ };
const TO_ESCAPE: Readonly<Record<EscapeStyle, RegExp>> = { gnu: /[\\\n\r]/g, b3sum: /[\\\n]/g };

/** The name as a line shows it, and whether the line needs the leading backslash. */
export function escapeName(name: string, style: EscapeStyle): { escaped: boolean; text: string } {
  if (!NEEDS_ESCAPE[style].test(name)) return { escaped: false, text: name };
  return { escaped: true, text: name.replace(TO_ESCAPE[style], (c) => ESCAPES[c] ?? c) };
}

/** One line, terminator included, exactly as the reference tool writes it. */
export function formatSumsLine(record: SumsRecord, opts: SumsFormatOptions = {}): string {
  const { name, algorithm, digest } = record;
  // b3sum has no --tag; a tagged blake3 line follows GNU's rules like every tagged line.
  const style: EscapeStyle = algorithm === 'blake3' && opts.tag !== true ? 'b3sum' : 'gnu';
  const { escaped, text } = opts.zero === true ? { escaped: false, text: name } : escapeName(name, style);
  const prefix = escaped ? '\\' : '';
  const end = opts.zero === true ? '\0' : '\n';
  if (opts.tag === true) return `${prefix}${SUMS_TAGS[algorithm]} (${text}) = ${digest}${end}`;
  return `${prefix}${digest}  ${text}${end}`;
}
