import type { Drive } from '../device/drive.js';
import { listDrives } from '../device/list-drives.js';
import { readMountTables } from '../device/mount-table.js';
import { resolveTarget } from '../device/resolve-target.js';
import { assertSafeTarget } from '../device/safety-check.js';
import { findSystemDrives } from '../device/system-drives.js';

export interface BenchDriveOptions {
  /** The benchmark writes (it destroys data) rather than only reads. */
  write: boolean;
  /** Highest offset the run writes to: a drive smaller than that is refused. */
  size: number;
  force: boolean;
  unmount: boolean;
  sysRoot?: string;
  procRoot?: string;
}

/**
 * The drive a user named, checked as dl-flash checks a target before writing: never the
 * system drive, never a read-only or too small one, mounted only with --unmount, and a
 * non-removable one only with --force (exit 77 otherwise). Reading is harmless, so a
 * read-only benchmark is only resolved, not refused.
 */
export async function benchDrive(arg: string, opts: BenchDriveOptions): Promise<Drive> {
  const drives = await listDrives(opts.sysRoot === undefined ? {} : { sysRoot: opts.sysRoot });
  const drive = await resolveTarget(arg, drives);
  if (!opts.write) return drive;
  const systemDrives = await findSystemDrives(drives, await readMountTables(opts.procRoot));
  assertSafeTarget({ target: drive, systemDrives, sourceDrives: new Set(), imageSize: opts.size, force: opts.force, unmount: opts.unmount });
  return drive;
}

