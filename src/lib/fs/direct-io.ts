import { constants } from 'node:fs';
import { open, statfs, type FileHandle } from 'node:fs/promises';

/**
 * Local block filesystems where O_DIRECT is the fast path: ext2/3/4, XFS, btrfs. tmpfs
 * refuses it; NFS and FUSE accept it but turn each write into a synchronous round trip.
 */
const DIRECT_FILESYSTEMS: ReadonlySet<number> = new Set([0xef53, 0x58465342, 0x9123683e]);

/**
 * A second, write-only handle on an existing file that writes past the page cache, or
 * undefined where that would not pay or is refused: the caller then stays buffered.
 */
export async function openDirect(path: string): Promise<FileHandle | undefined> {
  try {
    if (!DIRECT_FILESYSTEMS.has((await statfs(path)).type)) return undefined;
    return await open(path, constants.O_WRONLY | constants.O_DIRECT);
  } catch {
    return undefined;
  }
}
