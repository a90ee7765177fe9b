import { randomBytes } from 'node:crypto';
import { open, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { renameDurable, syncDir } from './durable-rename.js';
import { fsError, isNotFound } from './fs-error.js';

/** Temp files are `<name>.tmp-<12 hex>` beside the target, so leftovers are easy to find. */
const TEMP_INFIX = '.tmp-';
const TEMP_SUFFIX = /^[0-9a-f]{12}$/;

const tempPathFor = (path: string): string => `${path}${TEMP_INFIX}${randomBytes(6).toString('hex')}`;

const unlinkQuietly = (path: string): Promise<void> => unlink(path).catch(() => undefined);

/**
 * Replaces `path` with `data` so that readers, and a crash at any instant, see either the
 * old content or the new one, never a mix: temp file in the same directory, write, fsync,
 * rename over the target, fsync the directory. The temp file is removed on failure.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const fh = await open(temp, 'wx').catch((err: unknown) => {
      throw fsError(err, path, 'create');
    });
    try {
      await fh.writeFile(data).catch((err: unknown) => {
        throw fsError(err, path, 'write');
      });
      await fh.sync().catch((err: unknown) => {
        throw fsError(err, path, 'sync');
      });
    } finally {
      await fh.close();
    }
    await renameDurable(temp, path);
  } catch (err) {
    await unlinkQuietly(temp);
    throw err;
  }
}

/**
 * Removes `path` and the temp files writeFileAtomic may have left beside it when its
 * process was killed mid-write. A missing file is not an error.
 */
export async function removeWithTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = basename(path) + TEMP_INFIX;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return;
    throw fsError(err, dir, 'read');
  }
  const doomed = names
    .filter((n) => n === basename(path) || (n.startsWith(prefix) && TEMP_SUFFIX.test(n.slice(prefix.length))))
    .map((n) => join(dir, n));
  for (const p of doomed) {
    await unlink(p).catch((err: unknown) => {
      if (!isNotFound(err)) throw fsError(err, p, 'remove');
    });
  }
  if (doomed.length > 0) await syncDir(dir);
}
