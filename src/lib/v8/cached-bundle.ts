import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, constants as fs, type Stats } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vm } from 'node:vm';
import { xdgDir } from '../fs/xdg-dir.js';

export interface CachedBundle<T> {
  exports: T;
  /** Writes the code V8 compiled so far, when there was no usable cache or a long run added to it; best effort. */
  saveCache(): void;
}

/**
 * Runs a CommonJS bundle (a command, dist/commands/<tool>.cjs) with a V8 code cache kept
 * per user in `$XDG_CACHE_HOME/dlkit/v8/`. With the cache V8 neither parses the bundle
 * nor compiles what the last run compiled: a whole dl-get of 1 KiB took 65 ms instead of
 * 84 as an ES module, dl-hash 46 instead of 58 (bench/start-up). Node 20 has no compile
 * cache of its own (module.enableCompileCache came in 22.1) and none for ES modules.
 *
 * A cache is code: it is read only from a directory and file this user owns that no one
 * else can write, and its name carries what identifies the bundle (path, size, times,
 * inode) and the Node version and options, because V8 itself checks only the source's
 * length, its own version and its flags. DLKIT_NO_CODE_CACHE turns it off.
 */
export function loadCachedBundle<T>(file: string, env: NodeJS.ProcessEnv = process.env): CachedBundle<T> {
  const fd = openSync(file, 'r');
  let source: string;
  let stats: Stats;
  try {
    stats = fstatSync(fd);
    // The bundles are ASCII (tsup.config.ts): latin1 makes the string without decoding UTF-8.
    source = readFileSync(fd, 'latin1');
  } finally {
    closeSync(fd);
  }
  const place = env.DLKIT_NO_CODE_CACHE ? undefined : cachePlace(file, stats, env);
  const cachedData = place && readOwnFile(join(place.dir, place.name));
  const script = new Script(Module.wrap(source), { filename: file, cachedData, importModuleDynamically: vm.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    saveCache: () => {
      if (place === undefined) return;
      const used = cachedData !== undefined && !script.cachedDataRejected;
      // A run used to seconds can spare the 3-4 ms it takes to serialise, and may have
      // compiled much that the cache lacks (a flash after a --list): the larger is kept.
      if (used && process.uptime() < LONG_RUN_S) return;
      try {
        const data = script.createCachedData();
        if (!used || data.length > cachedData.length * 1.0625) writeCache(place, data);
      } catch {
        // A cache that cannot be written costs the next run its speed, nothing else.
      }
    },
  };
}

const LONG_RUN_S = 1;

interface CachePlace {
  dir: string;
  name: string;
  /** Names of this bundle's earlier caches (other builds, Node versions) start so. */
  prefix: string;
}

function cachePlace(file: string, st: Stats, env: NodeJS.ProcessEnv): CachePlace | undefined {
  const base = xdgDir(env, 'cache');
  if (base === undefined || process.getuid === undefined) return undefined;
  const where = fnv1a([file, process.execArgv.join(' '), env.NODE_OPTIONS ?? ''].join('\0'));
  const what = fnv1a([process.version, process.arch, st.size, st.ino, st.mtimeMs, st.ctimeMs].join('\0'));
  const prefix = `${basename(file).replace(/\.c?js$/, '')}-${where}-`;
  return { dir: join(base, 'v8'), name: `${prefix}${what}.v8`, prefix };
}

/** 32-bit FNV-1a, hex: names files, guards nothing (the uid and mode checks do). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** This user's, written by no one else: the bytes of `path`, else undefined. */
function readOwnFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, fs.O_RDONLY | fs.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return isPrivate(fstatSync(fd)) && isPrivate(lstatSync(dirname(path))) ? readFileSync(fd) : undefined;
  } finally {
    closeSync(fd);
  }
}

const isPrivate = (st: Stats): boolean => st.uid === process.getuid!() && (st.mode & 0o022) === 0;

/**
 * Temp file and rename, synchronously (this runs in process.on('exit')). Not
 * writeFileAtomic (src/lib/fs): that is asynchronous, and a cache needs no fsync.
 */
function writeCache(place: CachePlace, data: Buffer): void {
  if (!ownDirectory(place.dir)) return;
  const tmp = join(place.dir, `.${place.name}.${process.pid}`);
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, join(place.dir, place.name));
  } finally {
    rmSync(tmp, { force: true });
  }
  // This bundle's earlier caches go, and any other not rewritten for a month: a build
  // that was moved or removed (a cache in use but never rewritten is simply made again).
  const stale = Date.now() - STALE_MS;
  for (const old of readdirSync(place.dir)) {
    const path = join(place.dir, old);
    if (old !== place.name && (old.startsWith(place.prefix) || (lstatSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < stale)) rmSync(path, { force: true });
  }
}

const STALE_MS = 30 * 86_400_000;

/**
 * `dir`, made if missing (0700) under an ancestor this user owns: run as root with
 * another user's HOME (sudo), dlkit must not leave root's files in that user's cache.
 */
function ownDirectory(dir: string): boolean {
  let existing = dir;
  for (;;) {
    const st = lstatSync(existing, { throwIfNoEntry: false });
    if (st !== undefined) {
      if (!st.isDirectory() || !isPrivate(st)) return false;
      break;
    }
    if (dirname(existing) === existing) return false;
    existing = dirname(existing);
  }
  if (existing !== dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  return isPrivate(lstatSync(dir));
}
