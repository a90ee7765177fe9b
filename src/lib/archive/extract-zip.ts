import { constants } from 'node:fs';
import { chmod, lutimes, mkdir, open, symlink, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { maxSizeError } from '../unpack/limit-stage.js';
import { EntryGuard } from './entry-guard.js';
import type { ArchiveWarning, ExtractOptions, ExtractSummary } from './entry-info.js';
import { checkFreeSpace } from './free-space.js';
import { unsafeEntryError } from './unsafe-entry-error.js';
import { corruptZip, openZip, type OpenZip, type ZipEntry } from './zip-entries.js';

/** Longest symlink target read from a zip entry's data. */
const MAX_LINK = 4096;

/**
 * Extracts a zip file into `dir`: free space checked against the central directory's
 * sizes first, then entry by entry, each judged by EntryGuard. Files are created with
 * O_EXCL|O_NOFOLLOW after unlinking (with --overwrite), so an existing link is never
 * written through. Directory modes and mtimes are set last, as writing changes them.
 */
export async function extractZip(path: string, opts: ExtractOptions): Promise<ExtractSummary> {
  const zip = await openZip(path);
  try {
    const total = zip.entries.reduce((n, e) => n + e.info.size, 0);
    if (opts.maxSize !== undefined && total > opts.maxSize) throw maxSizeError(opts.maxSize);
    checkFreeSpace(opts.dir, total);
    return await extractEntries(zip, opts);
  } finally {
    zip.close();
  }
}

async function extractEntries(zip: OpenZip, opts: ExtractOptions): Promise<ExtractSummary> {
  const guard = new EntryGuard(opts);
  const summary: ExtractSummary = { entries: 0, refused: 0, bytes: 0 };
  const dirs: Array<{ path: string; e: ZipEntry }> = [];
  for (const e of zip.entries) {
    opts.signal?.throwIfAborted();
    const v = guard.check(e.rawName, e.info.type);
    if (v.action === 'skip') continue;
    if (v.action === 'refuse') {
      const w: ArchiveWarning = { code: v.code, message: v.reason, name: e.rawName };
      summary.refused++;
      if (opts.strict) throw unsafeEntryError(w);
      opts.onWarn?.(w);
      continue;
    }
    opts.onEntry?.({ ...e.info, name: v.name });
    await writeEntry(zip, e, v.path, opts);
    if (e.info.type === 'directory') dirs.push({ path: v.path, e });
    summary.entries++;
    summary.bytes += e.info.size;
  }
  for (const { path, e } of dirs.reverse()) await setMeta(path, e, 'directory');
  return summary;
}

async function writeEntry(zip: OpenZip, e: ZipEntry, path: string, opts: ExtractOptions): Promise<void> {
  if (e.info.type === 'directory') return void (await mkdir(path, { recursive: true }));
  await mkdir(dirname(path), { recursive: true });
  if (opts.overwrite) await unlink(path).catch(() => undefined);
  const data = await zip.openStream(e);
  if (e.info.type === 'symlink') {
    await symlink(await readLinkTarget(data), path);
    return setMeta(path, e, 'symlink');
  }
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await pipeline(data, fh.createWriteStream(), { signal: opts.signal }); // the stream closes fh
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw opts.signal?.aborted || !(err instanceof Error && /size|crc|invalid/i.test(err.message)) ? err : corruptZip(err.message, err);
  }
  opts.onBytes?.(e.info.size);
  await setMeta(path, e, 'file');
}

async function readLinkTarget(data: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of data) {
    n += c.length;
    if (n > MAX_LINK) throw corruptZip('symbolic link target too long');
    parts.push(c);
  }
  return Buffer.concat(parts).toString('utf8');
}

async function setMeta(path: string, e: ZipEntry, type: 'file' | 'directory' | 'symlink'): Promise<void> {
  const t = e.info.mtime;
  if (type === 'symlink') return lutimes(path, t, t);
  await chmod(path, e.info.mode & 0o1777); // no setuid/setgid from a download
  await utimes(path, t, t);
}
