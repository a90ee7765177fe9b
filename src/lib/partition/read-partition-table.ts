import { formatGuid, readGptHeader, readGptPartitions } from './gpt.js';
import { hasBootSignature, MBR_ENTRIES, mbrId, plausibleMbr, readMbrPartitions } from './mbr.js';
import type { PartitionTable, ReadAt } from './partition-table.js';

const GPT_PROTECTIVE = 0xee;

/**
 * The image's partition table, or null when it has none. GPT wins when the MBR is the
 * protective one (type 0xee) and a GPT header sits at LBA 1 (512- or 4096-byte sectors).
 */
export async function readPartitionTable(read: ReadAt): Promise<PartitionTable | null> {
  const mbr = await read(0, 512);
  if (!hasBootSignature(mbr) || !plausibleMbr(mbr)) return null;
  if (mbr[MBR_ENTRIES + 4] === GPT_PROTECTIVE) {
    for (const sectorSize of [512, 4096]) {
      const header = await readGptHeader(read, sectorSize);
      if (header) return { label: 'gpt', id: formatGuid(header, 56), sectorSize, partitions: await readGptPartitions(header, read, sectorSize) };
    }
  }
  const partitions = await readMbrPartitions(mbr, read, 512);
  return partitions.length === 0 ? null : { label: 'dos', id: mbrId(mbr), sectorSize: 512, partitions };
}
