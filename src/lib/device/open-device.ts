import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { fsError } from '../fs/fs-error.js';
import { majMinOf } from './dev-number.js';
import { describeDrive, type Drive } from './drive.js';
import { readSysfsFacts } from './sysfs.js';

/** An open drive: the handle, and how writes must be shaped for it. */
export interface DeviceHandle {
  drive: Drive;
  fh: FileHandle;
  /** Opened with O_DIRECT: buffers, offsets and lengths must be sector-aligned. */
  direct: boolean;
  sectorSize: number;
}

export interface OpenOptions {
  write: boolean;
  /** Try O_DIRECT (default); without it, or when refused, writes are O_DSYNC. */
  direct?: boolean;
  sysRoot?: string;
}

/**
 * Opens the drive checked earlier, and only that drive. Writing opens with O_EXCL, which
 * the kernel refuses (EBUSY) while anything holds the device: a mounted filesystem, a
 * device-mapper table, another writer. Then the open file is proved to be the drive that
 * was checked: same device number, and the same size, serial, loop backing file and
 * disk sequence number (bumped on every attach or media change) read afresh from sysfs,
 * so a drive swapped between check and open is never written.
 */
export async function openDevice(drive: Drive, opts: OpenOptions): Promise<DeviceHandle> {
  const base = (opts.write ? constants.O_RDWR | constants.O_EXCL : constants.O_RDONLY);
  const wantDirect = opts.direct ?? true;
  let fh: FileHandle;
  let direct = wantDirect;
  try {
    fh = await open(drive.path, base | (wantDirect ? constants.O_DIRECT : constants.O_DSYNC));
  } catch (err) {
    if (!wantDirect || (err as NodeJS.ErrnoException).code !== 'EINVAL') throw openError(err, drive);
    direct = false;
    fh = await open(drive.path, base | constants.O_DSYNC).catch((e: unknown) => {
      throw openError(e, drive);
    });
  }
  try {
    await assertSameDrive(fh, drive, opts.sysRoot);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return { drive, fh, direct, sectorSize: drive.logicalSectorSize };
}

async function assertSameDrive(fh: FileHandle, drive: Drive, sysRoot?: string): Promise<void> {
  const st = await fh.stat();
  // sysfs afresh (no second lsblk): the kernel's current size, disk sequence, loop file, serial.
  const now = st.isBlockDevice() && majMinOf(st.rdev) === drive.majMin ? readSysfsFacts(drive.name, sysRoot) : undefined;
  const same =
    now !== undefined &&
    now.size === drive.size &&
    now.diskseq === drive.diskseq &&
    now.backingFile === drive.backingFile &&
    (now.serial === undefined || drive.serial === undefined || now.serial === drive.serial);
  if (!same) {
    throw new DlError(`refusing to write ${drive.path}: it is no longer the drive that was checked, ${describeDrive(drive)}`, {
      code: 'DL_ERR_DEVICE_CHANGED',
      exitCode: ExitCode.REFUSED,
      hint: 'the drive was replugged or replaced; run the command again',
      details: { device: drive.path },
    });
  }
}

function openError(err: unknown, drive: Drive): DlError {
  if ((err as NodeJS.ErrnoException).code === 'EBUSY') {
    return new DlError(`cannot open ${drive.path} exclusively: it is in use (mounted, or held by another program)`, {
      code: 'DL_ERR_DEVICE_BUSY',
      exitCode: ExitCode.REFUSED,
      hint: 'unmount its partitions (or add --unmount) and stop programs using it',
      cause: err,
      details: { device: drive.path },
    });
  }
  return fsError(err, drive.path, 'write');
}
