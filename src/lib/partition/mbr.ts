import type { Partition, ReadAt } from './partition-table.js';

/**
 * MBR (dos) layout, all little-endian:
 *   440  u32  disk signature ("id" 0x…)
 *   446  4 × 16-byte entries: +0 status (0x80 = bootable), +4 type, +8 u32 first LBA, +12 u32 sectors
 *   510  0x55 0xAA
 * An extended partition (type 0x05, 0x0f, 0x85) holds a chain of EBRs, each an MBR-shaped
 * sector: entry 1 is a logical partition (start relative to this EBR), entry 2 links the
 * next EBR (start relative to the extended partition). Logical partitions number from 5.
 */
export const MBR_ENTRIES = 446;
const EXTENDED = new Set([0x05, 0x0f, 0x85]);
/** Far more than any real chain; stops a looping one. */
const MAX_LOGICAL = 128;

export const hasBootSignature = (sector: Buffer): boolean => sector.length >= 512 && sector[510] === 0x55 && sector[511] === 0xaa;

interface Entry {
  status: number;
  type: number;
  start: number;
  size: number;
}

function entry(sector: Buffer, i: number): Entry {
  const at = MBR_ENTRIES + 16 * i;
  return { status: sector[at]!, type: sector[at + 4]!, start: sector.readUInt32LE(at + 8), size: sector.readUInt32LE(at + 12) };
}

const toPartition = (index: number, e: Entry, start: number): Partition => ({
  index,
  start,
  size: e.size,
  type: e.type.toString(16),
  bootable: e.status === 0x80,
});

export const mbrId = (sector: Buffer): string => `0x${sector.readUInt32LE(440).toString(16).padStart(8, '0')}`;

/** Boot code of an unpartitioned filesystem (a FAT superfloppy) also ends in 55 AA: its "entries" are not 0x00/0x80-status ones. */
export const plausibleMbr = (mbr: Buffer): boolean => [0, 1, 2, 3].every((i) => [0, 0x80].includes(entry(mbr, i).status));

export async function readMbrPartitions(mbr: Buffer, read: ReadAt, sectorSize: number): Promise<Partition[]> {
  const parts: Partition[] = [];
  for (let i = 0; i < 4; i++) {
    const e = entry(mbr, i);
    if (e.type === 0 || e.size === 0) continue;
    parts.push(toPartition(i + 1, e, e.start));
    if (EXTENDED.has(e.type)) parts.push(...(await readLogical(e.start, read, sectorSize)));
  }
  return parts;
}

async function readLogical(extStart: number, read: ReadAt, sectorSize: number): Promise<Partition[]> {
  const parts: Partition[] = [];
  let ebr = extStart;
  for (let n = 0; n < MAX_LOGICAL; n++) {
    const sector = await read(ebr * sectorSize, 512);
    if (!hasBootSignature(sector)) break;
    const logical = entry(sector, 0);
    if (logical.size > 0) parts.push(toPartition(5 + n, logical, ebr + logical.start));
    const next = entry(sector, 1);
    if (next.size === 0 || !EXTENDED.has(next.type)) break;
    ebr = extStart + next.start;
  }
  return parts;
}
