import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHMS, DIGEST_HEX_LENGTH, type Algorithm } from '../../../src/lib/hash/algorithms.js';
import { formatSumsLine } from '../../../src/lib/hash/sums-format.js';
import { parseSums, parseSumsLine, splitLines, unescapeName, type SumsLine } from '../../../src/lib/hash/sums-parse.js';

const has = (tool: string): boolean => spawnSync(tool, ['--version']).status === 0;
const H = { md5: 'a'.repeat(32), sha1: 'b'.repeat(40), sha256: 'c'.repeat(64), sha512: 'd'.repeat(128) };

async function collect(text: string | Buffer[], algorithms?: Algorithm[]): Promise<SumsLine[]> {
  const out: SumsLine[] = [];
  const source = typeof text === 'string' ? [Buffer.from(text)] : text;
  for await (const line of parseSums(source, { algorithms })) out.push(line);
  return out;
}

describe('parseSumsLine', () => {
  it.each([
    ['GNU text mode', `${H.sha256}  file`, 'file', 'sha256', false],
    ['GNU binary marker', `${H.sha256} *file`, 'file', 'sha256', true],
    ['md5 by length', `${H.md5}  f`, 'f', 'md5', false],
    ['sha1 by length', `${H.sha1}  f`, 'f', 'sha1', false],
    ['sha512 by length', `${H.sha512}  f`, 'f', 'sha512', false],
    ['uppercase hex', `${H.sha256.toUpperCase()}  f`, 'f', 'sha256', false],
    ['name with spaces kept whole', `${H.sha256}   two  spaces `, ' two  spaces ', 'sha256', false],
    ['single separator (BSD reversed)', `${H.sha256} file`, 'file', 'sha256', false],
    ['two spaces, nothing after: the name is one space (GNU)', `${H.sha256}  `, ' ', 'sha256', false],
    ['tab separator', `${H.sha256}\tfile`, 'file', 'sha256', false],
    ['leading whitespace', `  ${H.sha256}  file`, 'file', 'sha256', false],
    ['escaped name', `\\${H.sha256}  a\\\\b\\nc\\rd`, 'a\\b\nc\rd', 'sha256', false],
    ['unescaped backslash is literal', `${H.sha256}  a\\b`, 'a\\b', 'sha256', false],
    ['BSD tag', `SHA256 (my file) = ${H.sha256}`, 'my file', 'sha256', false],
    ['BSD tag, name with parens', `MD5 (a) = (b)) = ${H.md5}`, 'a) = (b)', 'md5', false],
    ['escaped BSD tag', `\\SHA1 (a\\nb) = ${H.sha1}`, 'a\nb', 'sha1', false],
    ['OpenSSL 3 tag', `SHA2-256(f)= ${H.sha256}`, 'f', 'sha256', false],
    ['OpenSSL md5 tag', `MD5(f)= ${H.md5}`, 'f', 'md5', false],
    ['BLAKE3 tag', `BLAKE3 (f) = ${H.sha256}`, 'f', 'blake3', false],
    ['XXH3 tag', `XXH3 (f) = 0123456789abcdef`, 'f', 'xxh3', false],
  ] as const)('%s', (_, text, name, algorithm, binary) => {
    expect(parseSumsLine(text, 7)).toEqual({ name, algorithm, digest: expect.stringMatching(/^[0-9a-f]+$/), binary, line: 7 });
  });

  it.each([
    ['no separator', H.sha256],
    ['no name', `${H.sha256} `],
    ['unknown length', `${'a'.repeat(63)}  f`],
    ['not hex', `${'g'.repeat(64)}  f`],
    ['bad escape', `\\${H.sha256}  a\\tb`],
    ['lone trailing backslash', `\\${H.sha256}  ab\\`],
    ['tag with wrong length', `SHA256 (f) = ${H.md5}`],
    ['tag without =', `SHA256 (f) ${H.sha256}`],
    ['tag without )', `SHA256 (f = ${H.sha256}`],
    ['unknown tag', `SHA3 (f) = ${H.sha256}`],
    ['garbage', 'hello world'],
  ])('%s → malformed', (_, text) => {
    expect(parseSumsLine(text, 1)).toBeUndefined();
  });

  it('-a forces untagged lines and rejects other tags', () => {
    expect(parseSumsLine(`${H.sha256}  f`, 1, ['blake3'])?.algorithm).toBe('blake3');
    expect(parseSumsLine(`0123456789abcdef  f`, 1, ['xxh3'])?.algorithm).toBe('xxh3');
    expect(parseSumsLine(`${H.md5}  f`, 1, ['sha256'])).toBeUndefined();
    expect(parseSumsLine(`MD5 (f) = ${H.md5}`, 1, ['sha256'])).toBeUndefined();
    expect(parseSumsLine(`${H.md5}  f`, 1, ['sha256', 'md5'])?.algorithm).toBe('md5');
  });

  it('unescapeName undoes exactly GNU escapes', () => {
    expect(unescapeName('a\\\\b\\nc\\r')).toBe('a\\b\nc\r');
    expect(unescapeName('a\\x')).toBeUndefined();
    expect(unescapeName('a\\')).toBeUndefined();
  });
});

describe('parseSums', () => {
  it('numbers lines, skips comments and blank lines, drops CR of CRLF, reports malformed', async () => {
    const text = `# comment\n\n${H.sha256}  a\r\ngarbage\n${H.md5} *b`;
    expect(await collect(text)).toEqual([
      { kind: 'entry', entry: { name: 'a', algorithm: 'sha256', digest: H.sha256, binary: false, line: 3 } },
      { kind: 'malformed', line: 4 },
      { kind: 'entry', entry: { name: 'b', algorithm: 'md5', digest: H.md5, binary: true, line: 5 } },
    ]);
  });

  it('splits on LF only, across chunk boundaries', async () => {
    const chunks = ['ab', 'c\rd\ne', '', 'f\n', 'g'].map((s) => Buffer.from(s));
    const lines: string[] = [];
    for await (const l of splitLines(chunks)) lines.push(l);
    expect(lines).toEqual(['abc\rd', 'ef', 'g']);
  });

  it('splits multi-byte UTF-8 cut between chunks', async () => {
    const bytes = Buffer.from('ü✓\n');
    const lines: string[] = [];
    for await (const l of splitLines([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])) lines.push(l);
    expect(lines).toEqual(['ü✓']);
  });
});

const missing = ['sha256sum', 'md5sum', 'sha512sum', 'b3sum'].filter((t) => !has(t));

describe.skipIf(missing.length > 0)(`reads what the reference tools write (skipped without ${missing.join(', ')})`, () => {
  const names = ['plain', 'with space', 'back\\slash', 'new\nline', 'cr\rret', 'ünï', 'x) = y'];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sums-parse-'));
    names.forEach((n, i) => writeFileSync(join(dir, n), `data ${i}`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['sha256sum', [], 'sha256'],
    ['sha256sum', ['--tag'], 'sha256'],
    ['md5sum', ['--tag'], 'md5'],
    ['sha512sum', ['-b'], 'sha512'],
    ['b3sum', [], 'blake3'],
  ] as const)('%s %j', async (tool, args, algorithm) => {
    const out = execFileSync(tool, [...args, '--', ...names], { cwd: dir });
    const parsed = await collect([out], [algorithm]);
    // b3sum writes CR raw; a name ending in CR could not survive any SUMS reader.
    expect(parsed.map((l) => (l.kind === 'entry' ? l.entry.name : l))).toEqual(names);
    expect(parsed.every((l) => l.kind === 'entry' && l.entry.algorithm === algorithm)).toBe(true);
  });
});

describe('round trip: formatSumsLine → parseSumsLine', () => {
  // A blake3 name ending in CR is the one thing b3sum's format cannot carry (CR is raw).
  const name = fc.string({ unit: 'binary', minLength: 1 }).filter((n) => !n.includes('\0'));
  const algorithm = fc.constantFrom(...ALGORITHMS);
  it('gives back name, algorithm and digest', () => {
    fc.assert(
      fc.property(name, algorithm, fc.boolean(), (n, a, tag) => {
        fc.pre(!(a === 'blake3' && !tag && n.endsWith('\r')));
        const digest = 'f'.repeat(DIGEST_HEX_LENGTH[a]);
        const line = formatSumsLine({ name: n, algorithm: a, digest }, { tag });
        const entry = parseSumsLine(line.slice(0, -1), 1, [a]);
        expect(entry).toMatchObject({ name: n, algorithm: a, digest });
      }),
      { numRuns: 2000 },
    );
  });
});
