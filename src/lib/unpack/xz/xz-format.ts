import zlib from 'node:zlib';

/**
 * The parts of the .xz container the parallel decoder reads itself (liblzma decodes the
 * blocks). All integers are little-endian; "varint" is 7 bits a byte, low bits first.
 *   stream header (12): fd 37 7a 58 5a 00 · flags (2: 00, check type) · CRC32(flags)
 *   block: header · compressed data · padding to 4 · check (size by check type)
 *     header: size byte ((b + 1) * 4 bytes) · flags (bits 0-1 filters - 1, 0x40 compressed
 *     size present, 0x80 uncompressed size present) · [varint sizes] · filters · pad · CRC32
 *   index: 00 · varint records · per block (varint unpadded size, varint uncompressed
 *     size) · padding to 4 · CRC32; unpadded = header + compressed + check
 *   stream footer (12): CRC32(backward size + flags) · backward size (u32: index / 4 - 1)
 *     · flags (2) · "YZ"
 * Streams may be followed by zero padding in multiples of 4, then another stream.
 */
export const STREAM_HEADER_SIZE = 12;
const MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = Buffer.from('YZ');

export interface StreamHeader {
  bytes: Buffer;
  checkSize: number;
}

/** Check sizes by check type id (0: none, 1: CRC32, 4: CRC64, 10: SHA-256, others reserved). */
const checkSize = (id: number): number => (id === 0 ? 0 : 4 << Math.floor((id - 1) / 3));

/** The stream header, or null when these 12 bytes are not a valid one. */
export function parseStreamHeader(b: Buffer): StreamHeader | null {
  if (!b.subarray(0, 6).equals(MAGIC) || b[6] !== 0 || b[7]! > 0x0f) return null;
  if (zlib.crc32(b.subarray(6, 8)) !== b.readUInt32LE(8)) return null;
  return { bytes: Buffer.from(b.subarray(0, STREAM_HEADER_SIZE)), checkSize: checkSize(b[7]!) };
}

function readVarint(b: Buffer, at: number): [value: number, next: number] | null {
  let v = 0;
  for (let i = 0; i < 9 && at + i < b.length; i++) {
    v += (b[at + i]! & 0x7f) * 2 ** (7 * i);
    if (!(b[at + i]! & 0x80)) return [v, at + i + 1];
  }
  return null;
}

export const blockHeaderSize = (firstByte: number): number => (firstByte + 1) * 4;

export interface BlockSizes {
  headerSize: number;
  compressed: number;
  uncompressed: number;
}

/** The sizes a block header declares (xz -T writes both), null when it leaves either out. */
export function blockSizes(header: Buffer): BlockSizes | null | 'corrupt' {
  const size = header.length;
  if (zlib.crc32(header.subarray(0, size - 4)) !== header.readUInt32LE(size - 4)) return 'corrupt';
  const flags = header[1]!;
  if ((flags & 0xc0) !== 0xc0) return null;
  const compressed = readVarint(header, 2);
  const uncompressed = compressed && readVarint(header, compressed[1]);
  if (!compressed || !uncompressed || compressed[0] === 0) return 'corrupt';
  return { headerSize: size, compressed: compressed[0], uncompressed: uncompressed[0] };
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Bytes the whole block takes in the stream, and its "unpadded size" for the index. */
export function blockExtent(s: BlockSizes, check: number): { total: number; unpadded: number } {
  return { total: s.headerSize + pad4(s.compressed) + check, unpadded: s.headerSize + s.compressed + check };
}

function varint(v: number): number[] {
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v % 128) | 0x80);
  return [...out, v];
}

export type IndexRecord = [unpadded: number, uncompressed: number];

/** The index and stream footer that must follow blocks with these records. */
export function streamTail(records: readonly IndexRecord[], header: StreamHeader): Buffer {
  const body = [0, ...varint(records.length), ...records.flatMap(([u, n]) => [...varint(u), ...varint(n)])];
  const index = Buffer.alloc(pad4(body.length) + 4);
  index.set(body);
  index.writeUInt32LE(zlib.crc32(index.subarray(0, index.length - 4)), index.length - 4);
  const footer = Buffer.alloc(STREAM_HEADER_SIZE);
  footer.writeUInt32LE(index.length / 4 - 1, 4);
  header.bytes.copy(footer, 8, 6, 8);
  FOOTER_MAGIC.copy(footer, 10);
  footer.writeUInt32LE(zlib.crc32(footer.subarray(4, 10)), 0);
  return Buffer.concat([index, footer]);
}
