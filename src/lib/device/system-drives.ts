import { stat } from 'node:fs/promises';
import { majMinOf, sourcesOf } from './dev-number.js';
import type { Drive } from './drive.js';
import { driveHolding } from './list-drives.js';
import type { MountTables } from './mount-table.js';

/** Mount points whose drive runs the system: writing it would destroy the running machine. */
export const SYSTEM_MOUNTS: readonly string[] = ['/', '/boot', '/boot/efi', '/efi', '/usr', '/var'];

/**
 * Drives the running system lives on, by drive path, with the reason: one holding a
 * system mount point or active swap (partition or swap file), and the drive behind a
 * loop device that is itself a system drive (live systems boot from loop-mounted images).
 * Decided from the mount tables alone: the system disk may not even be openable.
 */
export async function findSystemDrives(drives: readonly Drive[], tables: MountTables): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const mark = (majMin: string, reason: string): void => {
    const d = driveHolding(drives, majMin);
    if (d && !found.has(d.path)) found.set(d.path, reason);
  };
  for (const m of tables.mounts.filter((e) => SYSTEM_MOUNTS.includes(e.mountPoint))) {
    const devs = m.majMin.startsWith('0:') ? await sourcesOf([m]) : [m.majMin];
    for (const dev of devs) mark(dev, `it holds ${m.mountPoint}`);
  }
  for (const swap of tables.swaps) {
    const st = await stat(swap).catch(() => undefined);
    if (st) mark(majMinOf(st.isBlockDevice() ? st.rdev : st.dev), `it holds swap (${swap})`);
  }
  await markLoopBacking(drives, found, mark);
  return found;
}

/** A system drive that is a loop device makes the drive under its backing file one too. */
async function markLoopBacking(drives: readonly Drive[], found: Map<string, string>, mark: (majMin: string, reason: string) => void): Promise<void> {
  for (const d of drives) {
    if (!found.has(d.path) || d.backingFile === undefined) continue;
    const st = await stat(d.backingFile).catch(() => undefined);
    if (st) mark(majMinOf(st.dev), `it holds ${d.backingFile}, behind system drive ${d.path}`);
  }
}
