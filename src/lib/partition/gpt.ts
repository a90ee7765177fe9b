import type { Partition, ReadAt } from './partition-table.js';

/**
 * GPT header, at LBA 1, little-endian:
 *   0   "EFI PART"       56  16-byte disk GUID
 *   72  u64 first entry LBA   80  u32 entry count   84  u32 entry size (128)
 * Each entry: 0 type GUID · 16 unique GUID · 32 u64 first LBA · 40 u64 last LBA (inclusive)
 * · 48 u64 attributes · 56 name, 36 UTF-16LE code units. GUIDs store their first three
 * fields little-endian, the last two as bytes.
 */
export const GPT_SIGNATURE = 'EFI PART';
const MAX_ENTRIES = 1024;

/** Attribute bits as sfdisk names them; other bits print as GUID:<bit> (48–63). */
const ATTR_NAMES: Record<number, string> = { 0: 'RequiredPartition', 1: 'NoBlockIOProtocol', 2: 'LegacyBIOSBootable' };

export function formatGuid(b: Buffer, at: number): string {
  const hex = (from: number, to: number): string => b.subarray(at + from, at + to).toString('hex');
  const le = (from: number, to: number): string => Buffer.from(b.subarray(at + from, at + to)).reverse().toString('hex');
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(8, 10)}-${hex(10, 16)}`.toUpperCase();
}

function formatAttrs(attrs: bigint): string | undefined {
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((attrs >> BigInt(bit)) & 1n) names.push(ATTR_NAMES[bit] ?? `GUID:${bit}`);
  }
  return names.length > 0 ? names.join(' ') : undefined;
}

const isEmpty = (b: Buffer, at: number): boolean => b.subarray(at, at + 16).every((x) => x === 0);

/** The header at LBA 1 for this sector size, or undefined. */
export async function readGptHeader(read: ReadAt, sectorSize: number): Promise<Buffer | undefined> {
  const header = await read(sectorSize, 92);
  return header.length === 92 && header.toString('latin1', 0, 8) === GPT_SIGNATURE ? header : undefined;
}

export async function readGptPartitions(header: Buffer, read: ReadAt, sectorSize: number): Promise<Partition[]> {
  const first = Number(header.readBigUInt64LE(72));
  const count = Math.min(header.readUInt32LE(80), MAX_ENTRIES);
  const size = header.readUInt32LE(84);
  const table = await read(first * sectorSize, count * size);
  const parts: Partition[] = [];
  for (let i = 0; i < count && (i + 1) * size <= table.length; i++) {
    const at = i * size;
    if (isEmpty(table, at)) continue;
    const start = Number(table.readBigUInt64LE(at + 32));
    const attrs = table.readBigUInt64LE(at + 48);
    const name = table.toString('utf16le', at + 56, at + 128).replace(/\0.*$/s, '');
    const attrText = formatAttrs(attrs);
    parts.push({
      index: i + 1,
      start,
      size: Number(table.readBigUInt64LE(at + 40)) - start + 1,
      type: formatGuid(table, at),
      bootable: (attrs & 4n) !== 0n,
      uuid: formatGuid(table, at + 16),
      ...(name ? { name } : {}),
      ...(attrText ? { attrs: attrText } : {}),
    });
  }
  return parts;
}
