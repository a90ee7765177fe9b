import { once } from 'node:events';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Unpack, type ReadEntry } from 'tar';
import { isDlError } from '../errors/dl-error.js';
import { corruptTar } from './corrupt-tar.js';
import { EntryGuard } from './entry-guard.js';
import type { ArchiveWarning, ExtractOptions, ExtractSummary } from './entry-info.js';
import { checkFreeSpace } from './free-space.js';
import { tarEntryInfo, tarEntryType } from './tar-entry-info.js';
import { unsafeEntryError } from './unsafe-entry-error.js';

/** Checks free space per entry from this size up; smaller ones are not worth a statfs. */
const SPACE_CHECK_FROM = 1024 * 1024;

/**
 * Streams a tar (GNU, PAX, ustar) into `dir` with node-tar's Unpack, each entry first
 * judged by EntryGuard; node-tar's own guards (no `..`, no writes through symlinks,
 * unlink before write so hard links out of DIR are never written through) stay on too.
 */
export async function extractTar(source: AsyncIterable<Buffer>, opts: ExtractOptions): Promise<ExtractSummary> {
  const guard = new EntryGuard(opts);
  const summary: ExtractSummary = { entries: 0, refused: 0, bytes: 0 };
  const dirs: Array<[string, Date]> = [];
  let fatal: unknown;
  const warn = (w: ArchiveWarning): void => {
    summary.refused++;
    if (opts.strict) fatal ??= unsafeEntryError(w);
    else opts.onWarn?.(w);
  };
  const filter = (_path: string, entry: ReadEntry | unknown): boolean => {
    const e = entry as ReadEntry;
    if (fatal !== undefined) return false;
    const v = guard.check(e.path, tarEntryType(e), e.linkpath);
    if (v.action === 'refuse') warn({ code: v.code, message: v.reason, name: e.path });
    if (v.action !== 'extract') return false;
    try {
      if (e.size >= SPACE_CHECK_FROM) checkFreeSpace(opts.dir, e.size);
    } catch (err) {
      fatal = err;
      return false;
    }
    opts.onEntry?.(tarEntryInfo(e, v.name));
    summary.entries++;
    summary.bytes += e.size;
    e.path = v.name;
    if (tarEntryType(e) === 'directory' && e.mtime) dirs.push([v.name, e.mtime]);
    if (v.linkName !== undefined) e.linkpath = v.linkName;
    if (e.mode !== undefined) e.mode &= 0o1777; // no setuid/setgid from a download
    return true;
  };
  const unpack = new Unpack({
    cwd: opts.dir,
    filter,
    preserveOwner: false,
    unlink: true,
    chmod: true,
    processUmask: 0,
    onwarn: (code, message, data) => {
      if (code === 'TAR_ENTRY_INFO') return;
      warn({ code: `DL_WARN_${code}`, message: String(message), name: String((data as { entry?: ReadEntry }).entry?.path ?? '') });
    },
  });
  await feed(source, unpack, opts.signal, () => fatal);
  if (fatal !== undefined) throw fatal;
  // As tar -x does: directory mtimes last, since creating their contents changed them.
  for (const [name, mtime] of dirs.reverse()) await utimes(join(opts.dir, name), mtime, mtime).catch(() => undefined);
  return summary;
}

async function feed(source: AsyncIterable<Buffer>, unpack: Unpack, signal: AbortSignal | undefined, fatal: () => unknown): Promise<void> {
  let offset = 0;
  const done = new Promise<void>((resolve, reject) => {
    unpack.on('close', resolve);
    unpack.on('error', reject);
  });
  done.catch(() => undefined); // observed below; no unhandled rejection when stopped early
  try {
    for await (const chunk of source) {
      signal?.throwIfAborted();
      if (fatal() !== undefined) return; // --strict: stop reading, write nothing more
      offset += chunk.length;
      if (!unpack.write(chunk)) await Promise.race([once(unpack, 'drain'), done]);
    }
    unpack.end();
    await done;
  } catch (e) {
    if (isDlError(e) || signal?.aborted || !isTarError(e)) throw e;
    throw corruptTar(e.message, e, offset);
  }
}

/** Errors node-tar raised about the archive itself (TAR_BAD_ARCHIVE, TAR_ABORT …). */
const isTarError = (e: unknown): e is Error & { tarCode: string } =>
  e instanceof Error && typeof (e as { tarCode?: unknown }).tarCode === 'string';
