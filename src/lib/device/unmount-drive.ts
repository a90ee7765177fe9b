import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DlError, ExitCode } from '../errors/dl-error.js';
import type { Drive } from './drive.js';

const run = promisify(execFile);

/** Unmounts every filesystem on the drive, deepest mount point first (--unmount). */
export async function unmountDrive(drive: Drive): Promise<string[]> {
  const points = drive.mountpoints.filter((m) => m.startsWith('/')).sort((a, b) => b.length - a.length);
  for (const point of points) {
    try {
      await run('umount', [point]);
    } catch (cause) {
      const why = ((cause as { stderr?: string }).stderr ?? (cause as Error).message).trim().split('\n')[0];
      throw new DlError(`cannot unmount ${point} on ${drive.path}: ${why}`, {
        code: 'DL_ERR_UNMOUNT',
        exitCode: ExitCode.REFUSED,
        hint: 'close the programs using it (fuser -vm MOUNTPOINT), then try again',
        cause,
      });
    }
  }
  return points;
}
