import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Drive } from './drive.js';

// sysfs attributes are made by the kernel from memory when read, and never wait for a
// disk: a synchronous read takes microseconds, where fs/promises' readFile makes four
// trips through libuv's thread pool (open, stat, read, close). A drive's facts are some
// fifteen reads; listing drives before a write spent 5-11 ms on them, now ~1.

/** One sysfs attribute, trimmed, or undefined when absent or unreadable. */
export function readAttr(dir: string, name: string): string | undefined {
  try {
    return readFileSync(join(dir, name), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function readNumber(dir: string, name: string): number | undefined {
  const text = readAttr(dir, name);
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Facts lsblk does not give (or gives from a udev database that may be absent). */
export type SysfsFacts = Pick<Drive, 'removable' | 'readOnly' | 'virtual' | 'busPath' | 'backingFile' | 'diskseq' | 'logicalSectorSize' | 'serial'> & {
  /** Size in bytes from sysfs (512-byte sectors × 512), the kernel's current view. */
  size: number;
};

/** The real path of a sysfs link, or undefined when it does not resolve. */
export function realSysPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Reads /sys/block/NAME; `sysRoot` is "/sys" except in tests. */
export function readSysfsFacts(name: string, sysRoot = '/sys'): SysfsFacts {
  const dir = join(sysRoot, 'block', name);
  const real = realSysPath(dir) ?? dir;
  const devices = join(sysRoot, 'devices') + '/';
  const backing = readAttr(join(dir, 'loop'), 'backing_file');
  const serial = readAttr(join(dir, 'device'), 'serial') ?? readAttr(dir, 'serial');
  const diskseq = readNumber(dir, 'diskseq');
  return {
    removable: readAttr(dir, 'removable') === '1',
    readOnly: readAttr(dir, 'ro') === '1',
    virtual: real.startsWith(join(devices, 'virtual') + '/'),
    ...(real.startsWith(devices) ? { busPath: real.slice(devices.length) } : {}),
    ...(backing ? { backingFile: backing } : {}),
    ...(diskseq !== undefined ? { diskseq } : {}),
    logicalSectorSize: readNumber(join(dir, 'queue'), 'logical_block_size') ?? 512,
    size: (readNumber(dir, 'size') ?? 0) * 512,
    ...(serial ? { serial } : {}),
  };
}
