import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { DIGEST_HEX_LENGTH, type Algorithm } from './algorithms.js';
import type { CheckOutcome, DigestFn } from './check-sums.js';
import { parseSumsLine } from './sums-parse.js';

/**
 * `--auto-check`: the published checksum beside a file. Looked for in this order:
 * FILE.sha256, FILE.sha256sum, FILE.sha512, FILE.sha512sum, FILE.md5, FILE.md5sum (a
 * SUMS line for FILE, or just the hex), then SHA256SUMS, SHA512SUMS, MD5SUMS in FILE's
 * directory (a SUMS list holding FILE's base name).
 */

export interface Sidecar {
  path: string;
  algorithm: Algorithm;
  /** A per-file sidecar (FILE.sha256) or a list of many files (SHA256SUMS). */
  kind: 'file' | 'list';
}

export interface ExpectedDigest {
  algorithm: Algorithm;
  digest: string;
  /** Where it came from, for messages. */
  source: string;
}

const PER_FILE: readonly [string, Algorithm][] = [
  ['.sha256', 'sha256'],
  ['.sha256sum', 'sha256'],
  ['.sha512', 'sha512'],
  ['.sha512sum', 'sha512'],
  ['.md5', 'md5'],
  ['.md5sum', 'md5'],
];
const LISTS: readonly [string, Algorithm][] = [
  ['SHA256SUMS', 'sha256'],
  ['SHA512SUMS', 'sha512'],
  ['MD5SUMS', 'md5'],
];

/** Every place looked at for `file`, in order. */
export function sidecarCandidates(file: string): Sidecar[] {
  return [
    ...PER_FILE.map(([ext, algorithm]): Sidecar => ({ path: `${file}${ext}`, algorithm, kind: 'file' })),
    ...LISTS.map(([name, algorithm]): Sidecar => ({ path: join(dirname(file), name), algorithm, kind: 'list' })),
  ];
}

const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);

/**
 * The first existing sidecar that holds a digest for `file`; DL_ERR_NO_SIDECAR (66) if none.
 * Relative names are looked up under `cwd` and reported as given.
 */
export async function findExpectedDigest(file: string, cwd = '.'): Promise<ExpectedDigest> {
  const candidates = sidecarCandidates(file);
  for (const sidecar of candidates) {
    const path = resolve(cwd, sidecar.path);
    if (!(await isFile(path))) continue;
    const digest = digestFor(await readFile(path, 'utf8'), sidecar, basename(file));
    if (digest !== undefined) return { algorithm: sidecar.algorithm, digest, source: sidecar.path };
  }
  throw new DlError(`${file}: no checksum found beside it; looked for ${candidates.map((c) => c.path).join(', ')}`, {
    code: 'DL_ERR_NO_SIDECAR',
    exitCode: ExitCode.NO_INPUT,
    hint: 'download the published checksum file next to it, or give --expect ALGO:HEX',
    details: { path: file, looked: candidates.map((c) => c.path) },
  });
}

/**
 * The digest a sidecar's text gives for `name`: the SUMS line naming it (or `./name`). A
 * per-file sidecar may name the file differently (renamed download) or hold only the hex:
 * its single entry, or its bare hex, counts too.
 */
export function digestFor(text: string, sidecar: Sidecar, name: string): string | undefined {
  const entries = text
    .split('\n')
    .flatMap((line, i) => parseSumsLine(line.replace(/\r$/, ''), i + 1, [sidecar.algorithm]) ?? []);
  const match = entries.find((e) => e.name === name || e.name === `./${name}`);
  if (match !== undefined || sidecar.kind === 'list') return match?.digest;
  if (entries.length === 1) return entries[0]?.digest;
  const bare = text.trim();
  const isHex = bare.length === DIGEST_HEX_LENGTH[sidecar.algorithm] && /^[0-9a-f]+$/i.test(bare);
  return isHex ? bare.toLowerCase() : undefined;
}

/**
 * `--auto-check` of one file: the digest its sidecar gives against the file's own, as the
 * outcome `-c` would report for that line. Throws DL_ERR_NO_SIDECAR (66) when none is found.
 */
export async function checkAgainstSidecar(file: string, digest: DigestFn, cwd = '.'): Promise<SidecarCheck> {
  const want = await findExpectedDigest(file, cwd);
  const entry = { name: file, algorithm: want.algorithm, digest: want.digest, binary: false, line: 0 };
  try {
    const actual = (await digest(file, [want.algorithm]))[want.algorithm] ?? '';
    return { source: want.source, outcome: { kind: actual === want.digest ? 'ok' : 'failed', entry, actual } };
  } catch (error) {
    return { source: want.source, outcome: { kind: 'unreadable', entry, error } };
  }
}

export interface SidecarCheck {
  /** The sidecar used. */
  source: string;
  outcome: Exclude<CheckOutcome, { kind: 'malformed' | 'missing' }>;
}
