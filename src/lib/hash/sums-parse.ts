import { DIGEST_HEX_LENGTH, type Algorithm } from './algorithms.js';
import { SUMS_TAGS, type SumsRecord } from './sums-format.js';

/**
 * Reads SUMS lines the way GNU coreutils 9.1 `sha256sum -c` does (split_3 in md5sum.c),
 * for every algorithm at once:
 *
 *   [ws][\]HEX(␠|\t)(␠|*)NAME      GNU; '*' marks binary mode (no difference on POSIX)
 *   [ws][\]HEX(␠|\t)NAME           single separator ("BSD reversed"), as GNU accepts
 *   [ws][\]TAG[␠](NAME)[ws]=[ws]HEX BSD tag (`--tag`), also OpenSSL's `SHA2-256(NAME)= HEX`
 *
 * Lines are split on LF only; one trailing CR is dropped (CRLF files); lines starting with
 * '#' and empty lines are skipped. A leading backslash means NAME is escaped (`\\`, `\n`,
 * `\r`); any other escape, or a lone trailing backslash, makes the line malformed.
 *
 * Untagged lines name no algorithm, so the digest length picks one (UNTAGGED_BY_LENGTH):
 * 64 hex digits read as sha256, never blake3, and 16 as xxh64, never xxh3 — the caller
 * forces others with `algorithms` (dl-hash `-a`), which also rejects tags outside it.
 */

export interface SumsEntry extends SumsRecord {
  /** Written with '*' (binary mode); informational only. */
  binary: boolean;
  /** 1-based line number in its SUMS file. */
  line: number;
}

export type SumsLine = { kind: 'entry'; entry: SumsEntry } | { kind: 'malformed'; line: number };

/** The algorithm an untagged line's digest length implies when none is forced. */
export const UNTAGGED_BY_LENGTH: ReadonlyMap<number, Algorithm> = new Map<number, Algorithm>([
  [32, 'md5'],
  [40, 'sha1'],
  [64, 'sha256'],
  [128, 'sha512'],
  [16, 'xxh64'],
  [8, 'crc32'],
]);

const TAG_ALGORITHMS: ReadonlyMap<string, Algorithm> = new Map<string, Algorithm>([
  ...Object.entries(SUMS_TAGS).map(([a, tag]): [string, Algorithm] => [tag, a as Algorithm]),
  ['SHA2-256', 'sha256'],
  ['SHA2-512', 'sha512'],
]);
// Longest first so SHA256 wins over a hypothetical prefix; anchored at the line's start.
const TAG_RE = new RegExp(`^(${[...TAG_ALGORITHMS.keys()].sort((a, b) => b.length - a.length).join('|')}) ?\\(`);
const HEX_RE = /^[0-9a-fA-F]+$/;
const WHITE = new Set([' ', '\t']);

/** One line's entry (terminator already removed), or undefined when it is malformed. */
export function parseSumsLine(
  text: string,
  line: number,
  algorithms?: readonly Algorithm[],
): SumsEntry | undefined {
  let i = 0;
  while (WHITE.has(text[i] ?? '')) i++;
  const escaped = text[i] === '\\';
  if (escaped) i++;
  const tag = TAG_RE.exec(text.slice(i));
  const parsed = tag
    ? parseTagged(text.slice(i + tag[0].length), TAG_ALGORITHMS.get(tag[1] ?? ''), algorithms)
    : parseUntagged(text.slice(i), algorithms);
  if (parsed === undefined) return undefined;
  const name = escaped ? unescapeName(parsed.name) : parsed.name;
  if (name === undefined || name === '') return undefined;
  return { ...parsed, name, line };
}

type Parsed = Omit<SumsEntry, 'line'>;

/** `NAME) = HEX` after `TAG (`; the name ends at the last ')' like GNU's bsd_split_3. */
function parseTagged(rest: string, algorithm: Algorithm | undefined, allowed?: readonly Algorithm[]): Parsed | undefined {
  if (algorithm === undefined || (allowed !== undefined && !allowed.includes(algorithm))) return undefined;
  const close = rest.lastIndexOf(')');
  if (close < 0) return undefined;
  const m = /^[ \t]*=[ \t]*(.*)$/s.exec(rest.slice(close + 1));
  const digest = m?.[1] ?? '';
  if (digest.length !== DIGEST_HEX_LENGTH[algorithm] || !HEX_RE.test(digest)) return undefined;
  return { name: rest.slice(0, close), algorithm, digest: digest.toLowerCase(), binary: false };
}

function parseUntagged(rest: string, allowed?: readonly Algorithm[]): Parsed | undefined {
  const end = rest.search(/[ \t]/);
  if (end <= 0) return undefined;
  const digest = rest.slice(0, end);
  const algorithm = allowed
    ? allowed.find((a) => DIGEST_HEX_LENGTH[a] === digest.length)
    : UNTAGGED_BY_LENGTH.get(digest.length);
  if (algorithm === undefined || !HEX_RE.test(digest)) return undefined;
  const after = rest.slice(end + 1);
  // GNU: a mode character (' ' or '*') follows unless the name is one character long or
  // starts with neither, which is the single-separator form.
  const moded = after.length > 1 && (after[0] === ' ' || after[0] === '*');
  const name = moded ? after.slice(1) : after;
  return { name, algorithm, digest: digest.toLowerCase(), binary: moded && after[0] === '*' };
}

/** Undoes `\\`, `\n`, `\r`; undefined for any other escape or a lone trailing backslash. */
export function unescapeName(text: string): string | undefined {
  let bad = false;
  const out = text.replace(/\\(.?)/gs, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    bad = true;
    return '';
  });
  return bad ? undefined : out;
}

/** SUMS bytes: a Readable, or chunks in memory. */
export type TextSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export interface ParseSumsOptions {
  /** Force untagged lines to these algorithms and reject tags outside them (`-a`). */
  algorithms?: readonly Algorithm[];
}

/** Entries and malformed lines of a SUMS file, in order; comments and blank lines skipped. */
export async function* parseSums(
  source: TextSource,
  opts: ParseSumsOptions = {},
): AsyncGenerator<SumsLine> {
  let line = 0;
  for await (const raw of splitLines(source)) {
    line++;
    if (raw.startsWith('#')) continue;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text === '') continue;
    const entry = parseSumsLine(text, line, opts.algorithms);
    yield entry ? { kind: 'entry', entry } : { kind: 'malformed', line };
  }
}

/** LF-separated lines as UTF-8 text; a CR alone does not end a line (unlike readline). */
export async function* splitLines(source: TextSource): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  for await (const chunk of source) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let nl = buf.indexOf(0x0a);
    while (nl >= 0) {
      parts.push(buf.subarray(0, nl));
      yield Buffer.concat(parts).toString('utf8');
      parts = [];
      buf = buf.subarray(nl + 1);
      nl = buf.indexOf(0x0a);
    }
    if (buf.length > 0) parts.push(Buffer.from(buf));
  }
  if (parts.length > 0) yield Buffer.concat(parts).toString('utf8');
}
