import { stat } from 'node:fs/promises';
import type { MountEntry } from './mount-table.js';

/** Linux dev_t → "major:minor" (glibc's gnu_dev_major/minor encoding, 64-bit). */
export function majMinOf(dev: number): string {
  const hi = Math.floor(dev / 2 ** 32);
  const lo = dev >>> 0;
  const major = ((lo >>> 8) & 0xfff) | ((hi & 0xfffff000) >>> 0);
  const minor = (lo & 0xff) | ((lo >>> 12) & 0xfff00);
  return `${major}:${minor}`;
}

/**
 * The block devices a path's bytes live on: the filesystem's device, or the device itself
 * for a block special file. Filesystems with anonymous device numbers (btrfs, overlay:
 * major 0) are resolved through the mount table to their source device.
 */
export async function blockDevicesOf(path: string, mounts: readonly MountEntry[]): Promise<string[]> {
  const st = await stat(path);
  if (st.isBlockDevice()) return [majMinOf(st.rdev)];
  const own = majMinOf(st.dev);
  if (!own.startsWith('0:')) return [own];
  return sourcesOf(mounts.filter((m) => m.majMin === own));
}

/** The device numbers of mounts' /dev sources (for anonymous-device filesystems). */
export async function sourcesOf(mounts: readonly MountEntry[]): Promise<string[]> {
  const found = await Promise.all(
    mounts.filter((m) => m.source.startsWith('/dev/')).map((m) =>
      stat(m.source).then((s) => (s.isBlockDevice() ? [majMinOf(s.rdev)] : []), () => []),
    ),
  );
  return found.flat();
}
