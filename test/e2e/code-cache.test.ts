import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * The V8 code cache of the real commands (src/lib/v8/cached-bundle.ts): dl-hash built as
 * `npm run build` builds it, run as a process with its own XDG_CACHE_HOME.
 */
const REPO = resolve(import.meta.dirname, '../..');
const notBuilt = existsSync(join(REPO, 'dist', 'commands', 'dl-hash.cjs')) ? undefined : 'dist/commands/dl-hash.cjs is not built (npm run build)';
const isRoot = process.getuid?.() === 0;

let dir: string;
let input: string;
let digest: string;
let cache: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-code-cache-'));
  input = join(dir, 'input.bin');
  writeFileSync(input, 'bytes to hash\n');
  digest = createHash('sha256').update('bytes to hash\n').digest('hex');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  cache = mkdtempSync(join(dir, 'xdg-'));
});

const v8Dir = (): string => join(cache, 'dlkit', 'v8');
const cacheFiles = (): string[] => (existsSync(v8Dir()) ? readdirSync(v8Dir()).filter((n) => n.endsWith('.v8')) : []);
const onlyCache = (): string => {
  const files = cacheFiles();
  expect(files).toHaveLength(1);
  return join(v8Dir(), files[0]!);
};

function dlHash(args: string[], env: Record<string, string> = {}, bin = join(REPO, 'bin', 'dl-hash.js')) {
  const { DLKIT_NO_CODE_CACHE: _, ...base } = process.env;
  return spawnSync(process.execPath, [bin, ...args], { env: { ...base, XDG_CACHE_HOME: cache, ...env }, encoding: 'utf8' });
}

function hashes(env: Record<string, string> = {}, bin?: string): void {
  const r = dlHash([input], env, bin);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`${digest}  ${input}\n`);
  expect(r.status).toBe(0);
}

describe.skipIf(notBuilt)(`code cache of the built commands${notBuilt ? ` (skipped: ${notBuilt})` : ''}`, () => {
  it('the first run that succeeds leaves a cache only its user can touch; the next run uses it as it is', () => {
    hashes();
    const file = onlyCache();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(v8Dir()).mode & 0o777).toBe(0o700);
    expect(statSync(file).size).toBeGreaterThan(10_000);
    const before = statSync(file);
    hashes();
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('a damaged cache is replaced by a good one, and the run is not affected', () => {
    hashes();
    const file = onlyCache();
    writeFileSync(file, 'not a code cache');
    hashes();
    expect(readFileSync(file, 'utf8')).not.toBe('not a code cache');
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('a cache that others can write is not read, but replaced', () => {
    hashes();
    const file = onlyCache();
    chmodSync(file, 0o620);
    const { ino } = statSync(file);
    hashes();
    expect(statSync(file).ino).not.toBe(ino);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.skipIf(!isRoot)(`a cache owned by another user is not read, but replaced${isRoot ? '' : ' (skipped: needs root to chown)'}`, () => {
    hashes();
    const file = onlyCache();
    chownSync(file, 65534, 65534);
    hashes();
    expect(statSync(file).uid).toBe(0);
  });

  it('a run that fails leaves no cache', () => {
    const r = dlHash([join(dir, 'missing')]);
    expect(r.status).not.toBe(0);
    expect(cacheFiles()).toEqual([]);
  });

  it('DLKIT_NO_CODE_CACHE: nothing read or written', () => {
    hashes({ DLKIT_NO_CODE_CACHE: '1' });
    expect(existsSync(join(cache, 'dlkit'))).toBe(false);
  });

  it('nothing is made under a directory others can write (or, as root, another user owns)', () => {
    const shared = join(cache, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    hashes({ XDG_CACHE_HOME: join(shared, 'cache') });
    expect(readdirSync(shared)).toEqual([]);
  });

  it('a rebuilt bundle gets a cache of its own; the old one, and any other a month old, are removed', () => {
    // A copy of the package under the repo (its node_modules resolve), rebuilt by touching.
    mkdirSync(join(REPO, 'tmp'), { recursive: true });
    const pkg = mkdtempSync(join(REPO, 'tmp', 'code-cache-'));
    try {
      cpSync(join(REPO, 'dist'), join(pkg, 'dist'), { recursive: true, filter: (p) => !p.endsWith('.map') });
      cpSync(join(REPO, 'bin'), join(pkg, 'bin'), { recursive: true });
      const bin = join(pkg, 'bin', 'dl-hash.js');
      hashes({}, bin);
      const first = onlyCache();
      const later = new Date(Date.now() + 5_000);
      utimesSync(join(pkg, 'dist', 'commands', 'dl-hash.cjs'), later, later);
      hashes({}, bin);
      const second = onlyCache();
      expect(second).not.toBe(first);
      hashes(); // the repo's own build: another bundle, another cache beside it
      expect(cacheFiles()).toHaveLength(2);
      // Not rewritten for a month: the repo build's cache goes when another is next written.
      const repoCache = join(v8Dir(), cacheFiles().find((n) => join(v8Dir(), n) !== second)!);
      const monthAgo = new Date(Date.now() - 31 * 86_400_000);
      utimesSync(repoCache, monthAgo, monthAgo);
      const evenLater = new Date(Date.now() + 10_000);
      utimesSync(join(pkg, 'dist', 'commands', 'dl-hash.cjs'), evenLater, evenLater);
      hashes({}, bin);
      const left = onlyCache();
      expect([left === second, existsSync(repoCache)]).toEqual([false, false]);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});
