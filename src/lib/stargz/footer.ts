import { notStargzError } from './stargz-errors.js';

/**
 * The footer at the end of a lazily-pullable layer, which says where its TOC starts.
 *
 * eStargz, 51 bytes: an empty gzip member whose extra field carries the TOC offset, so
 * that gzip(1) still reads the blob as a plain tar.gz.
 *   off len
 *    0   2  1f 8b            gzip magic
 *    2   1  08               CM: deflate
 *    3   1  04               FLG: FEXTRA only
 *    4   4  00 00 00 00      MTIME
 *    8   1  00               XFL
 *    9   1  ff               OS: unknown
 *   10   2  1a 00            XLEN = 26, little-endian
 *   12   2  'S' 'G'          subfield id
 *   14   2  16 00            subfield LEN = 22
 *   16  16  %016x            TOC offset, lower-case hex
 *   32   6  "STARGZ"         magic
 *   38   5  01 00 00 ff ff   final stored deflate block of length 0
 *   43   4  00 00 00 00      CRC32 of nothing
 *   47   4  00 00 00 00      ISIZE
 * Legacy stargz (CRFS), 47 bytes: the same with XLEN = 22 and the extra field holding
 * `%016x` + "STARGZ" directly, without the SG subfield header.
 *
 * zstd:chunked, 48 bytes: a zstd skippable frame, ignored by zstd decoders.
 *    0   4  50 2a 4d 18      skippable frame magic 0x184D2A50, little-endian
 *    4   4  28 00 00 00      frame size = 40
 *    8   8  u64 LE           TOC offset
 *   16   8  u64 LE           TOC compressed length
 *   24   8  u64 LE           TOC uncompressed length
 *   32   8  u64 LE           manifest type (1 = TOC)
 *   40   8  "GnUlInUx"       magic
 */
export const ESTARGZ_FOOTER_SIZE = 51;
export const LEGACY_FOOTER_SIZE = 47;
export const ZSTD_FOOTER_SIZE = 48;
/** Enough tail bytes to hold any of the three footers. */
export const MAX_FOOTER_SIZE = ESTARGZ_FOOTER_SIZE;

export type LayerFormat = 'estargz' | 'legacy-stargz' | 'zstdchunked';

export interface Footer {
  format: LayerFormat;
  footerSize: number;
  tocOffset: number;
  /** Compressed TOC length when the footer says it (zstd:chunked); else it runs to the footer. */
  tocLength?: number;
}

const GZIP_HEAD = Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff]);
const GZIP_TAIL = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
const STARGZ = 'STARGZ';
const ZSTD_SKIPPABLE = 0x184d2a50;
const ZSTD_MAGIC = 'GnUlInUx';
const HEX16 = /^[0-9a-f]{16}$/;

/** `%016x` + "STARGZ" → the offset, or undefined when the text is not that. */
function offsetField(field: Buffer): number | undefined {
  const hex = field.subarray(0, 16).toString('latin1');
  if (!HEX16.test(hex) || field.subarray(16, 22).toString('latin1') !== STARGZ) return undefined;
  return Number.parseInt(hex, 16);
}

function gzipFooter(f: Buffer, xlen: number): number | undefined {
  if (!f.subarray(0, 10).equals(GZIP_HEAD) || f.readUInt16LE(10) !== xlen) return undefined;
  if (!f.subarray(f.length - GZIP_TAIL.length).equals(GZIP_TAIL)) return undefined;
  if (xlen === 22) return offsetField(f.subarray(12, 34));
  if (f.toString('latin1', 12, 14) !== 'SG' || f.readUInt16LE(14) !== 22) return undefined;
  return offsetField(f.subarray(16, 38));
}

function zstdFooter(f: Buffer): Footer | undefined {
  if (f.readUInt32LE(0) !== ZSTD_SKIPPABLE || f.readUInt32LE(4) !== 40) return undefined;
  if (f.toString('latin1', 40, 48) !== ZSTD_MAGIC || f.readBigUInt64LE(32) !== 1n) return undefined;
  const [tocOffset, tocLength] = [f.readBigUInt64LE(8), f.readBigUInt64LE(16)].map(Number) as [number, number];
  return { format: 'zstdchunked', footerSize: ZSTD_FOOTER_SIZE, tocOffset, tocLength };
}

/**
 * The footer at the end of `tail` (the blob's last bytes, at least MAX_FOOTER_SIZE of
 * them unless the blob is shorter). `label` names the layer in the error when there is
 * none: a plain tar.gz or tar.zst layer was not built for lazy pulling.
 */
export function parseFooter(tail: Buffer, label: string): Footer {
  const last = (n: number): Buffer | undefined => (tail.length >= n ? tail.subarray(tail.length - n) : undefined);
  const estargz = last(ESTARGZ_FOOTER_SIZE);
  const estargzOffset = estargz && gzipFooter(estargz, 26);
  if (estargzOffset !== undefined) return { format: 'estargz', footerSize: ESTARGZ_FOOTER_SIZE, tocOffset: estargzOffset };
  const legacy = last(LEGACY_FOOTER_SIZE);
  const legacyOffset = legacy && gzipFooter(legacy, 22);
  if (legacyOffset !== undefined) return { format: 'legacy-stargz', footerSize: LEGACY_FOOTER_SIZE, tocOffset: legacyOffset };
  const zstd = last(ZSTD_FOOTER_SIZE);
  const found = zstd && zstdFooter(zstd);
  if (found) return found;
  throw notStargzError(label, tail);
}
