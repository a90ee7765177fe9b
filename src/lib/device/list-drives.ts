import type { Drive, DriveNode } from './drive.js';
import { runLsblk, type LsblkNode } from './lsblk.js';
import { readSysfsFacts } from './sysfs.js';
import { readUsbLink } from './usb-link.js';

export interface ListOptions {
  /** "/sys" except in tests. */
  sysRoot?: string;
}

/** Every node below a drive, depth first: partitions and what is stacked on them. */
function descendants(n: LsblkNode): LsblkNode[] {
  return n.children.flatMap((c) => [c, ...descendants(c)]);
}

// What a drive and the nodes below it share.
const basics = (n: LsblkNode): Pick<DriveNode, 'path' | 'name' | 'majMin' | 'size'> => ({ path: n.path, name: n.kname, majMin: n.majMin, size: n.size });

const toDriveNode = (n: LsblkNode): DriveNode => ({
  ...basics(n),
  type: n.type,
  ...(n.fstype ? { fstype: n.fstype } : {}),
  ...(n.label ? { label: n.label } : {}),
  mountpoints: n.mountpoints,
});

/** lsblk's view of one top-level device, completed from sysfs. */
export function toDrive(n: LsblkNode, opts: ListOptions = {}): Drive {
  const facts = readSysfsFacts(n.kname, opts.sysRoot);
  const usb = readUsbLink(n.kname, opts.sysRoot);
  const below = descendants(n);
  const bus = n.tran ?? (n.type === 'loop' ? 'loop' : undefined);
  const serial = n.serial ?? facts.serial;
  return {
    ...basics(n),
    ...(n.model ? { model: n.model } : {}),
    ...(n.vendor ? { vendor: n.vendor } : {}),
    ...(serial ? { serial } : {}),
    ...(bus ? { bus } : {}),
    removable: n.rm || facts.removable,
    readOnly: n.ro || facts.readOnly,
    virtual: facts.virtual,
    ...(facts.busPath ? { busPath: facts.busPath } : {}),
    ...(facts.backingFile ? { backingFile: facts.backingFile } : {}),
    ...(facts.diskseq !== undefined ? { diskseq: facts.diskseq } : {}),
    logicalSectorSize: n.logSec ?? facts.logicalSectorSize,
    ...(n.pttype ? { partitionTable: n.pttype } : {}),
    partitions: below.map(toDriveNode),
    mountpoints: [...n.mountpoints, ...below.flatMap((c) => c.mountpoints)],
    ...(usb ? { usb } : {}),
  };
}

/** Whole drives (disks and loop devices; not partitions, not empty loops, not zero-size). */
export async function listDrives(opts: ListOptions = {}): Promise<Drive[]> {
  const nodes = (await runLsblk()).filter((n) => n.size > 0 && (n.type === 'disk' || n.type === 'loop'));
  return nodes.map((n) => toDrive(n, opts));
}

/** The drive a device node (major:minor) belongs to, the drive itself or one below it. */
export function driveHolding(drives: readonly Drive[], majMin: string): Drive | undefined {
  return drives.find((d) => d.majMin === majMin || d.partitions.some((p) => p.majMin === majMin));
}
