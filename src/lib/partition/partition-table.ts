/**
 * An image's partition table as `sfdisk --json` reports it: sectors, not bytes; dos types
 * as lowercase hex ("c", "83"), GPT types and ids as uppercase GUIDs.
 */
export interface PartitionTable {
  label: 'dos' | 'gpt';
  /** dos: "0x1234abcd" disk signature; gpt: the disk GUID. */
  id: string;
  sectorSize: number;
  partitions: Partition[];
}

export interface Partition {
  /** 1-4 primary, 5… logical (dos); 1… (gpt): the number in /dev/sdb<N>. */
  index: number;
  start: number;
  size: number;
  type: string;
  bootable: boolean;
  /** GPT only. */
  name?: string;
  uuid?: string;
  attrs?: string;
}

/** Reads `length` bytes at `offset` of the image (short at its end). */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;
