import type { DeviceIdentity } from '../checkpoint/source-identity.js';

/**
 * A block device as dlkit sees it: what lsblk reports, completed from sysfs (removable,
 * loop backing file, disk sequence number, bus path, USB link). Command-agnostic: dl-flash
 * writes drives, dl-bench measures them.
 */
export interface Drive {
  /** /dev/sdb, /dev/loop3 */
  path: string;
  /** Kernel name: sdb, loop3 */
  name: string;
  /** "8:16" */
  majMin: string;
  size: number;
  model?: string;
  vendor?: string;
  serial?: string;
  /** Transport as lsblk names it (usb, sata, nvme, mmc…), or "loop", or undefined. */
  bus?: string;
  removable: boolean;
  readOnly: boolean;
  /** Under /sys/devices/virtual (loop, zram, device-mapper): no hardware behind it. */
  virtual: boolean;
  /** Where the device hangs in sysfs, e.g. "pci0000:00/0000:00:14.0/usb2/2-1/…". */
  busPath?: string;
  /** Loop devices: the file behind them. */
  backingFile?: string;
  /** Bumped by the kernel on every attach or media change: pins one plug-in. */
  diskseq?: number;
  logicalSectorSize: number;
  /** "dos", "gpt" or undefined. */
  partitionTable?: string;
  /** Partitions, and what sits on them (device-mapper, LVM), flattened. */
  partitions: DriveNode[];
  /** Mount points of the drive itself and of everything on it; "[SWAP]" for swap. */
  mountpoints: string[];
  usb?: UsbLink;
}

/** A partition or a device stacked on the drive (LVM, dm-crypt). */
export interface DriveNode {
  path: string;
  name: string;
  majMin: string;
  size: number;
  type: string;
  fstype?: string;
  label?: string;
  mountpoints: string[];
}

/** A USB drive's link, from sysfs. */
export interface UsbLink {
  /** Negotiated speed in Mb/s: 12, 480, 5000, 10000, 20000. */
  speedMbps: number;
  /** bcdUSB the device reports, e.g. "3.20", "2.10". */
  version?: string;
  /** A USB 3 capable device (or port) running at USB 2 speed or less. */
  degraded: boolean;
}

/**
 * What pins a drive across runs (checkpoints) and from check to open. A loop device has no
 * serial; its backing file stands in for one, so a re-attached loop onto another file
 * never counts as the same drive.
 */
export function driveIdentity(d: Drive): DeviceIdentity {
  const busPath = d.backingFile !== undefined ? `${d.busPath ?? d.name}:${d.backingFile}` : d.busPath;
  return { type: 'device', path: d.path, size: d.size, ...(d.serial ? { serial: d.serial } : {}), ...(busPath ? { busPath } : {}) };
}

/** "sdb (SanDisk Ultra, 29.8 GiB, serial 4C53…)" for confirmations and messages. */
export function describeDrive(d: Drive): string {
  const model = [d.vendor, d.model].filter((x) => x !== undefined && x !== '').join(' ');
  const parts = [model, formatSize(d.size), d.serial ? `serial ${d.serial}` : undefined, d.backingFile ? `backed by ${d.backingFile}` : undefined];
  return `${d.path} (${parts.filter((p) => p !== undefined && p !== '').join(', ')})`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatSize(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}
