import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsError } from './fs-error.js';

/**
 * Flushes a directory's entries, so a rename or unlink in it survives a power cut.
 * Some filesystems cannot fsync a directory (EINVAL); there is nothing more to do there.
 */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    if (errno !== 'EINVAL' && errno !== 'ENOTSUP') throw fsError(err, dir, 'sync');
  } finally {
    await fh?.close();
  }
}

/** rename(2) then fsync of the target's directory: after this the new name is on disk. */
export async function renameDurable(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    throw fsError(err, to, 'rename');
  }
  await syncDir(dirname(to));
}
