import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Drive } from './drive.js';

/** One sysfs attribute, trimmed, or undefined when absent or unreadable. */
export async function readAttr(dir: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, name), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function readNumber(dir: string, name: string): Promise<number | undefined> {
  const text = await readAttr(dir, name);
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Facts lsblk does not give (or gives from a udev database that may be absent). */
export type SysfsFacts = Pick<Drive, 'removable' | 'readOnly' | 'virtual' | 'busPath' | 'backingFile' | 'diskseq' | 'logicalSectorSize' | 'serial'> & {
  /** Size in bytes from sysfs (512-byte sectors × 512), the kernel's current view. */
  size: number;
};

/** Reads /sys/block/NAME; `sysRoot` is "/sys" except in tests. */
export async function readSysfsFacts(name: string, sysRoot = '/sys'): Promise<SysfsFacts> {
  const dir = join(sysRoot, 'block', name);
  const real = await realpath(dir).catch(() => dir);
  const devices = join(sysRoot, 'devices') + '/';
  const backing = await readAttr(join(dir, 'loop'), 'backing_file');
  const serial = (await readAttr(join(dir, 'device'), 'serial')) ?? (await readAttr(dir, 'serial'));
  return {
    removable: (await readAttr(dir, 'removable')) === '1',
    readOnly: (await readAttr(dir, 'ro')) === '1',
    virtual: real.startsWith(join(devices, 'virtual') + '/'),
    ...(real.startsWith(devices) ? { busPath: real.slice(devices.length) } : {}),
    ...(backing ? { backingFile: backing } : {}),
    ...(await optional('diskseq', readNumber(dir, 'diskseq'))),
    logicalSectorSize: (await readNumber(join(dir, 'queue'), 'logical_block_size')) ?? 512,
    size: ((await readNumber(dir, 'size')) ?? 0) * 512,
    ...(serial ? { serial } : {}),
  };
}

async function optional<K extends string, V>(key: K, value: Promise<V | undefined>): Promise<Partial<Record<K, V>>> {
  const v = await value;
  return v === undefined ? {} : ({ [key]: v } as Record<K, V>);
}
