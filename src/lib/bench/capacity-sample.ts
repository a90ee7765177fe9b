import { fillRandom } from './fill-random.js';

/**
 * A tagged sample, one 4 KiB block written at `offset` by a capacity check:
 *
 *   bytes 0–7    magic "dlkitCAP"
 *   bytes 8–15   run nonce, u64 LE (a sample of an earlier run never counts)
 *   bytes 16–23  the offset it was written at, u64 LE
 *   bytes 24–    xorshift filler seeded by nonce ^ offset (a half-written block fails)
 *
 * Reading a block back tells where its bytes were written: at this offset (good), at
 * another one (the drive wraps: two offsets share storage), or nowhere (lost).
 */
export const SAMPLE_SIZE = 4096;
const MAGIC = Buffer.from('dlkitCAP', 'latin1');
const HEADER = 24;

export type SampleState = { kind: 'good' } | { kind: 'alias'; writtenAt: number } | { kind: 'lost' };

export function writeSample(buf: Buffer, nonce: bigint, offset: number): void {
  MAGIC.copy(buf, 0);
  buf.writeBigUInt64LE(nonce, 8);
  buf.writeBigUInt64LE(BigInt(offset), 16);
  fillRandom(buf.subarray(HEADER, SAMPLE_SIZE), nonce ^ BigInt(offset));
}

export function readSample(buf: Buffer, nonce: bigint, offset: number): SampleState {
  if (!buf.subarray(0, 8).equals(MAGIC) || buf.readBigUInt64LE(8) !== nonce) return { kind: 'lost' };
  const writtenAt = Number(buf.readBigUInt64LE(16));
  const expected = Buffer.alloc(SAMPLE_SIZE);
  writeSample(expected, nonce, writtenAt);
  if (!expected.equals(buf.subarray(0, SAMPLE_SIZE))) return { kind: 'lost' };
  return writtenAt === offset ? { kind: 'good' } : { kind: 'alias', writtenAt };
}

/** Samples wanted across a drive; the spacing is the precision of the usable size. */
const TARGET_SAMPLES = 1024;

/**
 * Where samples go: every multiple of a power-of-two spacing below the capacity, plus
 * the drive's last block. Fake cards hide a real size that is a power-of-two multiple
 * (8 GiB sold as 64 GiB): on a power-of-two grid the offsets that share storage are both
 * sampled, so their samples overwrite each other instead of slipping between.
 */
export function sampleOffsets(capacity: number, target = TARGET_SAMPLES): number[] {
  const last = Math.floor((capacity - SAMPLE_SIZE) / SAMPLE_SIZE) * SAMPLE_SIZE;
  if (last < 0) return [];
  const spacing = Math.max(SAMPLE_SIZE, 2 ** Math.floor(Math.log2(capacity / target)));
  const offsets: number[] = [];
  for (let at = 0; at < last; at += spacing) offsets.push(at);
  offsets.push(last);
  return offsets;
}
