import { realpath, stat } from 'node:fs/promises';
import { DlError, ExitCode, usageError } from '../errors/dl-error.js';
import { fsError } from '../fs/fs-error.js';
import { majMinOf } from './dev-number.js';
import type { Drive } from './drive.js';

/**
 * The drive a user named: /dev/sdb, or a stable link such as /dev/disk/by-id/usb-…,
 * matched by device number, not by name. A partition is refused: an image goes onto the
 * whole drive (writing it into sdb1 makes a drive no machine boots).
 */
export async function resolveTarget(arg: string, drives: readonly Drive[]): Promise<Drive> {
  const path = await realpath(arg).catch((err: unknown) => {
    throw fsError(err, arg, 'stat');
  });
  const st = await stat(path);
  if (!st.isBlockDevice()) throw usageError(`${arg} is not a block device`, 'name a drive such as /dev/sdb; dl-flash --list shows them');
  const majMin = majMinOf(st.rdev);
  const drive = drives.find((d) => d.majMin === majMin);
  if (drive) return drive;
  const parent = drives.find((d) => d.partitions.some((p) => p.majMin === majMin));
  if (parent) {
    throw new DlError(`refusing to write ${arg}: it is a partition of ${parent.path}`, {
      code: 'DL_ERR_PARTITION_TARGET',
      exitCode: ExitCode.REFUSED,
      hint: `write the whole drive, ${parent.path}`,
    });
  }
  throw usageError(`${arg} is not a drive lsblk knows`, 'dl-flash --list --all shows them');
}
