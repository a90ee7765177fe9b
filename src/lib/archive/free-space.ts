import { statfsSync } from 'node:fs';
import { DlError, ExitCode } from '../errors/dl-error.js';

/**
 * Refuses to start (or go on) when `dir`'s file system has less than `needed` bytes free.
 * Synchronous because it runs inside node-tar's entry filter, which cannot wait.
 */
export function checkFreeSpace(dir: string, needed: number): void {
  const s = statfsSync(dir);
  const free = s.bavail * s.bsize;
  if (free >= needed) return;
  throw new DlError(`not enough free space in ${dir}: ${needed} bytes needed, ${free} available`, {
    code: 'DL_ERR_NO_SPACE',
    exitCode: ExitCode.CANT_CREATE,
    hint: 'free some space or extract to another directory (-C DIR)',
    details: { needed, free, dir },
  });
}
