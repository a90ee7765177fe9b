import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValidEvents } from '../helpers/validate-events.js';

/**
 * The built binary (bin/dl-hash.js → dist/) in real processes and real bash pipelines,
 * diffed against coreutils and b3sum on the same files. Builds dist/ once if it is missing
 * (CI builds before testing).
 */
const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'dl-hash.js');
const NAMES = ['a.txt', 'with space', 'back\\slash', 'new\nline', 'cr\rret', 'ünï ✓'];
// Over the pool threshold (16 MiB in total), so these go through the worker threads.
const BIG = ['big-1.bin', 'big-2.bin', 'big-3.bin'];
const has = (tool: string): boolean => spawnSync(tool, ['--version']).status === 0;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let dir: string;
let big: Buffer;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}
const dlHash = (args: string[], input?: Buffer): Ran =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: dir, input, encoding: 'utf8', maxBuffer: 64 << 20 });
const real = (tool: string, args: string[]): Ran => spawnSync(tool, args, { cwd: dir, encoding: 'utf8' });
/** bash with pipefail, dl-hash on PATH as $DLHASH. */
const bash = (script: string): Ran =>
  spawnSync('bash', ['-c', `set -o pipefail\n${script}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DLHASH: `${process.execPath} ${BIN}` },
  });

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'commands', 'dl-hash.cjs'))) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'dl-hash-e2e-'));
  NAMES.forEach((n, i) => writeFileSync(join(dir, n), `line ${i}\n`.repeat(i * 97 + 1)));
  big = randomBytes(7 << 20);
  BIG.forEach((n, i) => writeFileSync(join(dir, n), Buffer.concat([big, Buffer.from([i])])));
  mkdirSync(join(dir, 'adir'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const missing = ['sha256sum', 'md5sum', 'sha1sum', 'sha512sum', 'b3sum'].filter((t) => !has(t));

describe.skipIf(missing.length > 0)(`same output as the reference tools (skipped without ${missing.join(', ')})`, () => {
  const all = [...BIG, ...NAMES, BIG[0] ?? ''];
  it.each([
    ['sha256sum', []],
    ['md5sum', ['-a', 'md5']],
    ['sha1sum', ['-a', 'sha1']],
    ['sha512sum', ['-a', 'sha512']],
    ['b3sum', ['-a', 'blake3']],
  ])('%s (pool and in-thread, argument order)', (tool, flags) => {
    const mine = dlHash([...flags, '--', ...all]);
    expect(mine.status).toBe(0);
    expect(mine.stdout).toBe(real(tool, ['--', ...all]).stdout);
  });

  it('sha256sum --tag', () => {
    expect(dlHash(['--tag', '--', ...NAMES]).stdout).toBe(real('sha256sum', ['--tag', '--', ...NAMES]).stdout);
  });

  it('-c prints what sha256sum -c prints; any failure is 65 where GNU says 1', () => {
    const sums = `${real('sha256sum', ['--', ...NAMES, ...BIG]).stdout}junk\n${'0'.repeat(64)}  a.txt\n${'0'.repeat(64)}  gone\n`;
    writeFileSync(join(dir, 'SUMS'), sums);
    const mine = dlHash(['-c', 'SUMS']);
    const theirs = real('sha256sum', ['-c', 'SUMS']);
    expect(mine.stdout).toBe(theirs.stdout);
    expect([mine.status, theirs.status]).toEqual([65, 1]);
    writeFileSync(join(dir, 'GOOD'), real('sha256sum', ['--', ...NAMES, ...BIG]).stdout);
    expect(dlHash(['-c', 'GOOD'])).toMatchObject({ status: 0, stdout: real('sha256sum', ['-c', 'GOOD']).stdout });
  });
});

describe('-p in a real pipeline', () => {
  it('passes the bytes unchanged and exits 0 when the digest matches', () => {
    const digest = sha256(Buffer.concat([big, Buffer.from([0])]));
    const r = bash(`cat ${BIG[0]} | $DLHASH -p --expect sha256:${digest} | cmp - ${BIG[0]}`);
    expect([r.status, r.stderr]).toEqual([0, `${digest}  -\n`]);
  });

  it('on a mismatch the consumer gets a truncated stream (the last chunk is held back), and pipefail reports 65', () => {
    const out = `${BIG[1]}.out`;
    const r = bash(`$DLHASH -p -q --expect sha256:${'0'.repeat(64)} < ${BIG[1]} | cat > ${out}; echo "status \${PIPESTATUS[*]}"; cmp ${out} ${BIG[1]} 2>&1; rm -f ${out}`);
    expect(r.stdout).toContain('status 65 0');
    expect(r.stdout).toMatch(/EOF on .*\.out after byte [1-9]/);
    expect(r.stderr).toMatch(/^dl-hash: stdin: sha256 mismatch: expected 0{64}, got [0-9a-f]{64}/);
  });

  it('a reader that leaves early ends dl-hash quietly with 0', () => {
    for (const script of [`$DLHASH -p < ${BIG[0]} | head -c 10 >/dev/null`, `$DLHASH ${BIG.join(' ')} ${NAMES.slice(0, 1).join(' ')} | head -c 10 >/dev/null`]) {
      const r = bash(`${script}; echo "\${PIPESTATUS[0]}"`);
      expect([r.stdout, r.stderr]).toEqual(['0\n', '']);
    }
  });
});

describe('exit status', () => {
  it.each([
    { what: 'a missing file', args: ['nope', 'a.txt'], status: 1, message: /nope: No such file or directory/ },
    { what: 'a directory', args: ['adir'], status: 1, message: /adir: Is a directory/ },
    { what: 'an unknown algorithm', args: ['-a', 'whirlpool', 'a.txt'], status: 64, message: /unknown hash algorithm/ },
    { what: 'a mismatch', args: ['--expect', `md5:${'0'.repeat(32)}`, 'a.txt'], status: 65, message: /md5 mismatch/ },
    { what: 'no sidecar', args: ['--auto-check', 'a.txt'], status: 66, message: /a\.txt\.sha256.*SHA256SUMS/ },
  ])('$what → $status', ({ args, status, message }) => {
    const r = dlHash(args);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
  });

  it('events of a pooled run validate against the schema, error last on failure', () => {
    const r = dlHash(['--progress', 'json', ...BIG, 'nope']);
    const events = assertValidEvents(r.stderr) as { type: string; id: string }[];
    expect(events.filter((e) => e.type === 'end').map((e) => e.id)).toEqual(BIG);
    expect(events.at(-1)?.type).toBe('error');
    expect(r.status).toBe(1);
  });

  it('SIGINT in the middle of a stream → 130', async () => {
    const child = spawn(process.execPath, [BIN, '-p'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.on('error', () => undefined);
    const feed = setInterval(() => child.stdin.write(big.subarray(0, 1 << 16)), 2);
    // Interrupt once bytes come out (handlers are installed), not during start-up.
    await new Promise((ok) => child.stdout.once('data', ok));
    child.stdout.resume();
    child.kill('SIGINT');
    const status = await new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    clearInterval(feed);
    expect(status).toBe(130);
    expect(stderr).toMatch(/interrupted/);
  });
});
