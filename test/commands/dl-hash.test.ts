import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/dl-hash.js';
import { memoryIo } from '../cli/memory-io.js';
import { assertValidEvents } from '../helpers/validate-events.js';

const NAMES = ['plain.txt', 'with space', 'back\\slash', 'new\nline', 'cr\rret', 'ünï ✓'];
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const ZEROS = '0'.repeat(64);
const hasB3sum = spawnSync('b3sum', ['--version']).status === 0;

interface Result {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** dl-hash in process: stdout collected as bytes, stdin given (or empty), cwd the fixture dir. */
async function dlHash(argv: string[], opts: { stdin?: Buffer | string; cwd?: string } = {}): Promise<Result> {
  const m = memoryIo({ cwd: opts.cwd ?? dir });
  const out: Buffer[] = [];
  m.io.stdout.removeAllListeners('data');
  m.io.stdout.on('data', (c: Buffer) => out.push(c));
  m.io.stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]);
  const code = await run(argv, m.io);
  return { code, stdout: Buffer.concat(out), stderr: m.stderr() };
}

const gnu = (tool: string, args: string[], input?: string): { stdout: string; status: number | null } => {
  const r = spawnSync(tool, args, { cwd: dir, encoding: 'utf8', input });
  return { stdout: r.stdout, status: r.status };
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dl-hash-cmd-'));
  NAMES.forEach((n, i) => writeFileSync(join(dir, n), `file ${i}\n`.repeat(1000 * i + 1)));
  mkdirSync(join(dir, 'subdir'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hashing', () => {
  it.each([
    ['sha256sum', []],
    ['md5sum', ['-a', 'md5']],
    ['sha1sum', ['-a', 'SHA-1']],
    ['sha512sum', ['-a', 'sha512']],
    ['sha256sum --tag', ['--tag']],
    ['sha256sum -z', ['-z']],
  ])('prints what %s prints, in argument order', async (reference, flags) => {
    const [tool, ...toolArgs] = reference.split(' ');
    const r = await dlHash([...flags, '--', ...NAMES]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(gnu(tool ?? '', [...toolArgs, '--', ...NAMES]).stdout);
  });

  it.skipIf(!hasB3sum)('prints what b3sum prints (b3sum not installed: skipped)', async () => {
    const r = await dlHash(['-a', 'blake3', '--', ...NAMES]);
    expect(r.stdout.toString()).toBe(gnu('b3sum', ['--', ...NAMES]).stdout);
  });

  it('takes names that look like numbers as names', async () => {
    for (const n of ['0x10', '1e3', '007']) writeFileSync(join(dir, n), n);
    const r = await dlHash(['0x10', '1e3', '007']);
    expect(r.stdout.toString()).toBe(gnu('sha256sum', ['0x10', '1e3', '007']).stdout);
  });

  it('hashes stdin as -', async () => {
    const r = await dlHash([], { stdin: 'hello\n' });
    expect(r.stdout.toString()).toBe(`${sha256('hello\n')}  -\n`);
  });

  it('several algorithms: tagged lines in the order given, one per algorithm, that -c reads back', async () => {
    const r = await dlHash(['-a', 'md5,blake3', '-a', 'crc32', 'plain.txt', 'with space']);
    const lines = r.stdout.toString().split('\n').slice(0, -1);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['MD5', 'BLAKE3', 'CRC32', 'MD5', 'BLAKE3', 'CRC32']);
    writeFileSync(join(dir, 'MULTI'), r.stdout);
    const check = await dlHash(['-c', 'MULTI']);
    expect(check.code).toBe(0);
    expect(check.stdout.toString()).toBe('plain.txt: OK\n'.repeat(3) + 'with space: OK\n'.repeat(3));
  });

  it('--json: one record per file and algorithm', async () => {
    const r = await dlHash(['--json', '-a', 'sha256', '-a', 'xxh64', 'plain.txt']);
    const records = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toEqual([
      { name: 'plain.txt', algorithm: 'sha256', digest: sha256('file 0\n'), bytes: 7 },
      { name: 'plain.txt', algorithm: 'xxh64', digest: expect.stringMatching(/^[0-9a-f]{16}$/), bytes: 7 },
    ]);
  });

  it('reports a missing file and a directory, goes on, and exits 1 like sha256sum', async () => {
    const r = await dlHash(['nope', 'plain.txt', 'subdir']);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe(`${sha256('file 0\n')}  plain.txt\n`);
    expect(r.stderr).toBe('dl-hash: nope: No such file or directory\ndl-hash: subdir: Is a directory\n');
    expect(gnu('sha256sum', ['nope', 'plain.txt', 'subdir']).status).toBe(1);
  });

  it('exits 64 for an unknown algorithm, listing the known ones', async () => {
    const r = await dlHash(['-a', 'sha3', 'plain.txt']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/unknown hash algorithm 'sha3'.*md5, sha1, sha256, sha512, blake3, xxh64, xxh3, crc32/);
  });

  it.each([
    [['--status', 'plain.txt'], /--status is meaningful only with --check/],
    [['-c', '--tag', 'SUMS'], /--check and --tag do not go together/],
    [['-p', 'plain.txt'], /--pass reads stdin only/],
    [['--expect', ZEROS, 'a', 'b'], /--expect checks one input/],
    [['--expect', 'sha256:abc', 'plain.txt'], /not ALGO:HEX/],
    [['--auto-check'], /--auto-check needs FILE arguments/],
  ])('usage error (64): %j', async (argv, message) => {
    const r = await dlHash(argv);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
  });
});

describe('--expect', () => {
  const digest = sha256('file 0\n');
  it.each([[`sha256:${digest}`], [`SHA256:${digest.toUpperCase()}`], [digest]])('passes with %s', async (expect_) => {
    const r = await dlHash(['--expect', expect_, 'plain.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(`${digest}  plain.txt\n`);
  });

  it('exits 65 on a mismatch with one line naming expected and actual', async () => {
    const r = await dlHash(['--expect', `sha256:${ZEROS}`, 'plain.txt']);
    expect(r.code).toBe(65);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`expected ${ZEROS}, got ${digest}`);
  });

  it('adds the expected algorithm to the ones asked for', async () => {
    const r = await dlHash(['-a', 'md5', '--expect', `sha256:${digest}`, 'plain.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^MD5 \(plain.txt\) = [0-9a-f]{32}\nSHA256 \(plain.txt\) = [0-9a-f]{64}\n$/);
  });
});

describe('-p, --pass', () => {
  const data = Buffer.alloc(3 << 20, 'dlkit');
  it('copies stdin to stdout unchanged and writes the digest to stderr', async () => {
    const r = await dlHash(['-p'], { stdin: data });
    expect(r.code).toBe(0);
    expect(r.stdout.equals(data)).toBe(true);
    expect(r.stderr).toBe(`${sha256(data)}  -\n`);
  });

  it('with a wrong --expect, passes all but the held-back last chunk and exits 65', async () => {
    const r = await dlHash(['-p', '--expect', `sha256:${ZEROS}`], { stdin: data });
    expect(r.code).toBe(65);
    expect(r.stdout.length).toBeLessThan(data.length);
    expect(r.stdout.equals(data.subarray(0, r.stdout.length))).toBe(true);
    expect(r.stderr).toContain(`expected ${ZEROS}, got ${sha256(data)}`);
  });

  it('-q keeps the digest off stderr', async () => {
    const r = await dlHash(['-p', '-q', '--expect', sha256(data)], { stdin: data });
    expect([r.code, r.stderr]).toEqual([0, '']);
  });
});

describe('-c, --check matches sha256sum -c', () => {
  let sums: string;
  beforeAll(() => {
    sums = `${gnu('sha256sum', ['--', ...NAMES]).stdout}bad line\n${ZEROS}  plain.txt\n${ZEROS}  missing\n`;
    writeFileSync(join(dir, 'SUMS'), sums);
    writeFileSync(join(dir, 'GOOD'), gnu('sha256sum', ['--', ...NAMES]).stdout);
  });

  it.each([[[]], [['--quiet']], [['--status']], [['--ignore-missing']], [['--warn']], [['--strict']]])('flags %j', async (flags) => {
    const mine = await dlHash(['-c', ...flags, 'SUMS']);
    const theirs = spawnSync('sha256sum', ['-c', ...flags, 'SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(mine.stdout.toString()).toBe(theirs.stdout);
    expect(mine.stderr.replace(/^dl-hash: /gm, '')).toBe(theirs.stderr.replace(/^sha256sum: /gm, '').replace(/SHA256 checksum line/, 'checksum line'));
    expect(mine.code).toBe(65);
  });

  it('exits 0 when all match, and reads the list from stdin', async () => {
    expect((await dlHash(['-c', 'GOOD'])).code).toBe(0);
    const r = await dlHash(['-c'], { stdin: gnu('sha256sum', ['plain.txt']).stdout });
    expect([r.code, r.stdout.toString()]).toEqual([0, 'plain.txt: OK\n']);
  });

  it('--strict turns a malformed line into a failure, without it the line only warns', async () => {
    writeFileSync(join(dir, 'ODD'), `${gnu('sha256sum', ['plain.txt']).stdout}junk\n`);
    expect((await dlHash(['-c', 'ODD'])).code).toBe(0);
    expect((await dlHash(['-c', '--strict', 'ODD'])).code).toBe(65);
  });

  it('a SUMS file that does not exist is no input (66)', async () => {
    const r = await dlHash(['-c', 'NOSUCH']);
    expect(r.code).toBe(66);
    expect(r.stderr).toBe('dl-hash: NOSUCH: No such file or directory\n');
  });

  it.skipIf(!hasB3sum)('-a forces the algorithm of untagged lines (blake3 has sha256’s length)', async () => {
    writeFileSync(join(dir, 'B3SUMS'), spawnSync('b3sum', ['plain.txt'], { cwd: dir, encoding: 'utf8' }).stdout);
    expect((await dlHash(['-c', 'B3SUMS'])).code).toBe(65);
    expect((await dlHash(['-c', '-a', 'blake3', 'B3SUMS'])).code).toBe(0);
  });

  it('--json: one record per checked line', async () => {
    const r = await dlHash(['-c', '--json', 'SUMS']);
    const records = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { result: string });
    expect(records.map((x) => x.result)).toEqual([...NAMES.map(() => 'ok'), 'failed', 'unreadable']);
  });
});

describe('--auto-check', () => {
  let sub: string;
  beforeAll(() => {
    sub = join(dir, 'auto');
    mkdirSync(sub);
    writeFileSync(join(sub, 'good.iso'), 'good');
    writeFileSync(join(sub, 'good.iso.sha256'), `${sha256('good')}  good.iso\n`);
    writeFileSync(join(sub, 'bad.iso'), 'bad');
    writeFileSync(join(sub, 'SHA256SUMS'), `${ZEROS}  bad.iso\n`);
    writeFileSync(join(sub, 'lonely.iso'), 'x');
  });

  it('checks against the sidecar and reports like -c', async () => {
    expect(await dlHash(['--auto-check', 'good.iso'], { cwd: sub })).toMatchObject({ code: 0, stdout: Buffer.from('good.iso: OK\n') });
    expect(await dlHash(['--auto-check', 'good.iso', 'bad.iso'], { cwd: sub })).toMatchObject({
      code: 65,
      stdout: Buffer.from('good.iso: OK\nbad.iso: FAILED\n'),
    });
  });

  it('exits 66 naming the files it looked for when there is none', async () => {
    const r = await dlHash(['--auto-check', 'lonely.iso'], { cwd: sub });
    expect(r.code).toBe(66);
    for (const name of ['lonely.iso.sha256', 'lonely.iso.sha256sum', 'lonely.iso.sha512', 'lonely.iso.md5', 'SHA256SUMS', 'SHA512SUMS', 'MD5SUMS']) {
      expect(r.stderr).toContain(name);
    }
  });
});

describe('events (--progress json)', () => {
  const events = (r: Result): Record<string, unknown>[] => assertValidEvents(r.stderr) as Record<string, unknown>[];

  it('start, progress, end per file with the digests', async () => {
    const r = await dlHash(['--progress', 'json', 'plain.txt', 'with space']);
    const evs = events(r);
    expect(evs.map((e) => `${e.type as string}:${e.id as string}`)).toEqual([
      'start:plain.txt', 'progress:plain.txt', 'end:plain.txt', 'start:with space', 'progress:with space', 'end:with space',
    ]);
    expect(evs[2]).toMatchObject({ bytes: 7, digests: { sha256: sha256('file 0\n') } });
  });

  it('verify for --expect, then error last on a mismatch; no text lines among the events', async () => {
    const r = await dlHash(['--progress', 'json', '-p', '--expect', `sha256:${ZEROS}`], { stdin: 'abc' });
    const evs = events(r);
    expect(evs.map((e) => e.type)).toEqual(['start', 'progress', 'end', 'verify', 'error']);
    expect(evs[3]).toMatchObject({ algorithm: 'sha256', expected: ZEROS, actual: sha256('abc'), ok: false });
    expect(evs[4]).toMatchObject({ code: 'DL_ERR_INTEGRITY', exitCode: 65 });
  });

  it('verify per checked line in -c, warn for unreadable files, error last', async () => {
    const r = await dlHash(['--progress', 'json', '-c', 'SUMS']);
    const types = events(r).map((e) => e.type);
    expect(types.filter((t) => t === 'verify')).toHaveLength(NAMES.length + 1);
    expect(types).toContain('warn');
    expect(types.at(-1)).toBe('error');
  });

  it('an unreadable file: a warn event, and the error event last', async () => {
    const evs = events(await dlHash(['--progress', 'json', 'nope', 'plain.txt']));
    expect(evs.find((e) => e.type === 'warn')).toMatchObject({ id: 'nope', code: 'DL_WARN_UNREADABLE' });
    expect(evs.at(-1)).toMatchObject({ type: 'error', exitCode: 1 });
  });
});
