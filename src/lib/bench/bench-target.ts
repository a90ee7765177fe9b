import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DIRECT_ALIGN } from '../device/aligned-pool.js';
import type { Drive } from '../device/drive.js';
import { openDevice } from '../device/open-device.js';
import { fsError } from '../fs/fs-error.js';

/** What a benchmark reads or writes: an open file or drive and how I/O must be shaped. */
export interface BenchTarget {
  path: string;
  fh: FileHandle;
  /** O_DIRECT is on: the page cache neither absorbs writes nor answers reads. */
  direct: boolean;
  /** The drive, when the target is one (its size bounds every offset). */
  drive?: Drive;
  close(): Promise<void>;
}

export interface TargetOptions {
  write: boolean;
  direct: boolean;
  sysRoot?: string;
}

/**
 * A drive opened through the device library (O_EXCL for writing, identity re-checked).
 * Without O_DIRECT that library writes O_DSYNC, so every block is on the medium when its
 * write returns.
 */
export async function openDriveTarget(drive: Drive, opts: TargetOptions): Promise<BenchTarget> {
  const h = await openDevice(drive, { write: opts.write, direct: opts.direct, ...(opts.sysRoot ? { sysRoot: opts.sysRoot } : {}) });
  return { path: drive.path, fh: h.fh, direct: h.direct, drive, close: () => h.fh.close() };
}

/**
 * A regular file, created when writing. O_DIRECT is asked for and dropped when the
 * filesystem refuses it (tmpfs): then writes go through the page cache and the measure
 * ends with fdatasync, as `dd conv=fdatasync` does.
 */
export async function openFileTarget(path: string, opts: TargetOptions): Promise<BenchTarget> {
  const base = opts.write ? constants.O_RDWR | constants.O_CREAT : constants.O_RDONLY;
  const tryOpen = (flags: number): Promise<FileHandle> => open(path, flags, 0o644);
  let fh: FileHandle;
  let direct = opts.direct;
  try {
    fh = await tryOpen(base | (direct ? constants.O_DIRECT : 0));
  } catch (err) {
    if (!direct || (err as NodeJS.ErrnoException).code !== 'EINVAL') throw fsError(err, path, opts.write ? 'create' : 'read');
    direct = false;
    fh = await tryOpen(base).catch((e: unknown) => {
      throw fsError(e, path, opts.write ? 'create' : 'read');
    });
  }
  return { path, fh, direct, close: () => fh.close() };
}

/** O_DIRECT wants whole sectors: sizes are rounded to 4 KiB, which every drive accepts. */
export const alignDown = (n: number, to = DIRECT_ALIGN): number => Math.floor(n / to) * to;
