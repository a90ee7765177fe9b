import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../../../src/lib/hash/algorithms.js';
import { hashFile } from '../../../src/lib/hash/hash-file.js';
import { escapeName, formatSumsLine } from '../../../src/lib/hash/sums-format.js';

const has = (tool: string): boolean => spawnSync(tool, ['--version']).status === 0;

// Names every writer must get right: plain, spaces, the escaped characters, unicode.
const AWKWARD_NAMES = [
  'plain.txt',
  'with space',
  ' leading space',
  'back\\slash',
  'new\nline',
  'cr\rret',
  'all\\three\n\r',
  'ünïcødé ✓',
  'paren) = x',
  '*star',
];

const TOOLS: [string, Algorithm][] = [
  ['md5sum', 'md5'],
  ['sha1sum', 'sha1'],
  ['sha256sum', 'sha256'],
  ['sha512sum', 'sha512'],
  ['b3sum', 'blake3'],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sums-format-'));
  AWKWARD_NAMES.forEach((name, i) => writeFileSync(join(dir, name), `content ${i}\n`.repeat(i * 100)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ours(algorithm: Algorithm, opts: { tag?: boolean; zero?: boolean }): Promise<string> {
  let out = '';
  for (const name of AWKWARD_NAMES) {
    const { digests } = await hashFile(join(dir, name), [algorithm]);
    out += formatSumsLine({ name, algorithm, digest: digests[algorithm] ?? '' }, opts);
  }
  return out;
}

const real = (tool: string, args: string[]): string =>
  execFileSync(tool, [...args, '--', ...AWKWARD_NAMES], { cwd: dir, encoding: 'utf8' });

describe('formatSumsLine is byte-identical to the reference tools', () => {
  describe.each(TOOLS)('%s', (tool, algorithm) => {
    it.skipIf(!has(tool))(`default lines (${tool} not installed: skipped)`, async () => {
      expect(await ours(algorithm, {})).toBe(real(tool, []));
    });
  });
  // b3sum has neither --tag nor -z.
  describe.each(TOOLS.filter(([tool]) => tool !== 'b3sum'))('%s', (tool, algorithm) => {
    it.skipIf(!has(tool))('--tag', async () => {
      expect(await ours(algorithm, { tag: true })).toBe(real(tool, ['--tag']));
    });
    it.skipIf(!has(tool))('-z', async () => {
      expect(await ours(algorithm, { zero: true })).toBe(real(tool, ['-z']));
    });
  });
});

describe('escapeName', () => {
  it.each([
    ['plain', 'gnu', false, 'plain'],
    ['a\\b', 'gnu', true, 'a\\\\b'],
    ['a\nb', 'gnu', true, 'a\\nb'],
    ['a\rb', 'gnu', true, 'a\\rb'],
    ['a\rb', 'b3sum', false, 'a\rb'],
    ['a\\\n\rb', 'b3sum', true, 'a\\\\\\n\rb'],
  ] as const)('%j (%s) → escaped %s, %j', (name, style, escaped, text) => {
    expect(escapeName(name, style)).toEqual({ escaped, text });
  });
});

describe('tags for algorithms coreutils lacks', () => {
  it.each([
    ['blake3', 'BLAKE3'],
    ['xxh64', 'XXH64'],
    ['xxh3', 'XXH3'],
    ['crc32', 'CRC32'],
  ] as const)('%s → %s', (algorithm, tag) => {
    expect(formatSumsLine({ name: 'a\\b', algorithm, digest: 'ab' }, { tag: true })).toBe(`\\${tag} (a\\\\b) = ab\n`);
  });
});
