import { readFile } from 'node:fs/promises';

/**
 * /proc/self/mountinfo, one line per mount:
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)        (6)       (7…)    sep (8) (9)       (10)
 * (3) major:minor of the filesystem's device, (5) the mount point, (9) the source.
 * Paths escape space, tab, newline and backslash as \040, \011, \012, \134.
 */
export interface MountEntry {
  majMin: string;
  mountPoint: string;
  fstype: string;
  source: string;
}

const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (sep < 0 || f.length < sep + 3) continue;
    entries.push({ majMin: f[2] ?? '', mountPoint: unescape(f[4] ?? ''), fstype: f[sep + 1] ?? '', source: unescape(f[sep + 2] ?? '') });
  }
  return entries;
}

/** /proc/swaps: a header line, then "Filename Type Size Used Priority" rows. */
export function parseSwaps(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((f) => f !== '')
    .map(unescape);
}

export interface MountTables {
  mounts: MountEntry[];
  swaps: string[];
}

/** Reads both tables; `procRoot` is "/proc" except in tests. */
export async function readMountTables(procRoot = '/proc'): Promise<MountTables> {
  const [mountinfo, swaps] = await Promise.all([
    readFile(`${procRoot}/self/mountinfo`, 'utf8'),
    readFile(`${procRoot}/swaps`, 'utf8').catch(() => ''),
  ]);
  return { mounts: parseMountInfo(mountinfo), swaps: parseSwaps(swaps) };
}
