import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../../../src/lib/hash/algorithms.js';
import {
  addToTally,
  checkPassed,
  checkWarnings,
  emptyTally,
  formatCheckLine,
  quoteName,
} from '../../../src/lib/hash/check-report.js';
import { checkSums, isMissingFile, type CheckOutcome, type DigestFn } from '../../../src/lib/hash/check-sums.js';
import { hashFile } from '../../../src/lib/hash/hash-file.js';

const hasGnu = spawnSync('sha256sum', ['--version']).status === 0;
const NAMES = ['plain', 'with space', 'back\\slash', 'new\nline', 'cr\rret', 'all\\three\n\r', 'ünï ✓'];
const ZEROS = '0'.repeat(64);

let dir: string;
const digestIn =
  (base: string): DigestFn =>
  async (name: string, algorithms: readonly Algorithm[]) =>
    (await hashFile(resolve(base, name), algorithms)).digests;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'check-sums-'));
  NAMES.forEach((n, i) => writeFileSync(join(dir, n), `bytes ${i}\n`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  stdout: string;
  warnings: string[];
  passed: boolean;
  outcomes: CheckOutcome[];
}

async function ours(sums: string, opts: { quiet?: boolean; ignoreMissing?: boolean; strict?: boolean; concurrency?: number }): Promise<Run> {
  const tally = emptyTally();
  const outcomes: CheckOutcome[] = [];
  let stdout = '';
  for await (const o of checkSums([Buffer.from(sums)], { digest: digestIn(dir), ...opts })) {
    outcomes.push(o);
    addToTally(tally, o);
    stdout += formatCheckLine(o, opts);
  }
  return { stdout, warnings: checkWarnings(tally, 'SUMS', opts), passed: checkPassed(tally, opts), outcomes };
}

function gnu(sums: string, flags: string[]): { stdout: string; warnings: string[]; passed: boolean } {
  writeFileSync(join(dir, 'SUMS'), sums);
  const r = spawnSync('sha256sum', ['-c', ...flags, 'SUMS'], { cwd: dir, encoding: 'utf8' });
  const warnings = r.stderr
    .split('\n')
    .filter((l) => l !== '' && !l.includes('No such file'))
    .map((l) => l.replace(/^sha256sum: /, ''));
  return { stdout: r.stdout, warnings, passed: r.status === 0 };
}

function realSums(): string {
  const r = spawnSync('sha256sum', ['--', ...NAMES], { cwd: dir, encoding: 'utf8' });
  return r.stdout;
}

describe.skipIf(!hasGnu)('checkSums + check-report match `sha256sum -c`', () => {
  const cases: [string, () => string, string[]][] = [
    ['all good, awkward names', () => realSums(), []],
    ['all good, --tag lines', () => spawnSync('sha256sum', ['--tag', '--', ...NAMES], { cwd: dir, encoding: 'utf8' }).stdout, []],
    ['a mismatch', () => `${realSums()}${ZEROS}  plain\n`, []],
    ['missing files', () => `${realSums()}${ZEROS}  gone\n${ZEROS}  gone too\n`, []],
    ['malformed lines', () => `garbage\n${realSums()}more garbage\n`, []],
    ['everything wrong, --quiet', () => `x\n${realSums()}${ZEROS}  plain\n${ZEROS}  gone\n`, ['--quiet']],
    ['--ignore-missing', () => `${realSums()}${ZEROS}  gone\n`, ['--ignore-missing']],
    ['--ignore-missing, nothing verified', () => `${ZEROS}  gone\n`, ['--ignore-missing']],
    ['--strict with a malformed line', () => `${realSums()}x\n`, ['--strict']],
    ['no properly formatted lines', () => `x\ny\n`, []],
    ['CRLF and comments', () => `# made by hand\r\n${realSums().replace(/\n/g, '\r\n')}`, []],
  ];
  it.each(cases)('%s', async (_, make, flags) => {
    const sums = make();
    const opts = {
      quiet: flags.includes('--quiet'),
      ignoreMissing: flags.includes('--ignore-missing'),
      strict: flags.includes('--strict'),
      concurrency: 3,
    };
    const mine = await ours(sums, opts);
    const theirs = gnu(sums, flags);
    expect(mine.stdout).toBe(theirs.stdout);
    expect(mine.warnings).toEqual(theirs.warnings);
    expect(mine.passed).toBe(theirs.passed);
  });
});

describe('checkSums', () => {
  it('checks several algorithms of one file with one read, in line order', async () => {
    writeFileSync(join(dir, 'multi'), 'abc');
    const calls: string[][] = [];
    const digest: DigestFn = async (name, algorithms) => {
      calls.push([name, ...algorithms]);
      return (await hashFile(resolve(dir, name), algorithms)).digests;
    };
    const sums = [
      'MD5 (multi) = 900150983cd24fb0d6963f7d28e17f72',
      'BLAKE3 (multi) = 6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85',
      'SHA256 (plain) = 0000000000000000000000000000000000000000000000000000000000000000',
    ].join('\n');
    const kinds: string[] = [];
    for await (const o of checkSums([sums], { digest, concurrency: 2 })) kinds.push(o.kind);
    expect(kinds).toEqual(['ok', 'ok', 'failed']);
    expect(calls).toEqual([
      ['multi', 'md5', 'blake3'],
      ['plain', 'sha256'],
    ]);
  });

  it('treats an entry named - as malformed when the SUMS text is stdin', async () => {
    const out: CheckOutcome[] = [];
    for await (const o of checkSums([`${ZEROS}  -\n`], { digest: digestIn(dir), sumsIsStdin: true })) out.push(o);
    expect(out).toEqual([{ kind: 'malformed', line: 1 }]);
  });

  it('yields results in line order whatever order the hashing finishes in', async () => {
    const delays = [50, 0, 30, 10, 0];
    const digest: DigestFn = (name) =>
      new Promise((res) => setTimeout(() => res({ sha256: name.padStart(64, '0') }), delays[Number(name)]));
    const sums = delays.map((_, i) => `${String(i).padStart(64, '0')}  ${i}`).join('\n');
    const names: string[] = [];
    for await (const o of checkSums([sums], { digest, concurrency: 5 })) if (o.kind === 'ok') names.push(o.entry.name);
    expect(names).toEqual(['0', '1', '2', '3', '4']);
  });

  it('recognises a missing file however it was reported', async () => {
    const thrown = await hashFile(join(dir, 'nope'), ['md5']).catch((e: unknown) => e);
    expect(isMissingFile(thrown)).toBe(true);
    expect(isMissingFile(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(true);
    const directory = await hashFile(dir, ['md5']).catch((e: unknown) => e);
    expect(isMissingFile(directory)).toBe(false);
  });
});

describe('quoteName', () => {
  it.each([
    ['plain.txt', 'plain.txt'],
    ['with space', "'with space'"],
    ["it's", "'it'\\''s'"],
    ['new\nline', "'new'$'\\n''line'"],
  ])('%j → %s', (name, quoted) => expect(quoteName(name)).toBe(quoted));

  it.skipIf(!hasGnu)('matches GNU for a missing name with a space', () => {
    const r = spawnSync('sha256sum', ['no such'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe(`sha256sum: ${quoteName('no such')}: No such file or directory\n`);
  });
});
