import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, open, unlink } from 'node:fs/promises';
import { renameDurable } from '../fs/durable-rename.js';
import { fsError } from '../fs/fs-error.js';

/**
 * Copies `from` to `to` the cheapest safe way: a reflink where the filesystem shares
 * extents (btrfs, XFS, bcachefs: no bytes copied), else a kernel-side copy. Never a hard
 * link: an output edited in place would silently change the cached bytes too. Like a
 * download, the file appears under its final name only complete and synced.
 */
export async function localCopy(from: string, to: string, mode = 0o644): Promise<void> {
  const temp = `${to}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await copyFile(from, temp, constants.COPYFILE_FICLONE).catch((err: unknown) => {
      throw fsError(err, (err as NodeJS.ErrnoException).path === from ? from : to, 'create');
    });
    await chmod(temp, mode);
    const fh = await open(temp, 'r+');
    try {
      await fh.sync();
    } catch (err) {
      throw fsError(err, to, 'sync');
    } finally {
      await fh.close();
    }
    await renameDurable(temp, to);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
