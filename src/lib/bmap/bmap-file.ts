import { createHash } from 'node:crypto';
import { DlError, ExitCode, integrityError } from '../errors/dl-error.js';

/**
 * bmaptool's block map (format 2.x), the parts that matter:
 *   <bmap version="2.0">
 *     <ImageSize> bytes </ImageSize>  <BlockSize> 4096 </BlockSize>
 *     <BlocksCount> n </BlocksCount>  <MappedBlocksCount> m </MappedBlocksCount>
 *     <ChecksumType> sha256 </ChecksumType>
 *     <BmapFileChecksum> hex </BmapFileChecksum>   of this file with its own value
 *                                                  replaced by as many "0"s
 *     <BlockMap> <Range chksum="hex"> first-last </Range> … </BlockMap>
 * Ranges are inclusive block numbers; chksum covers the range's bytes in the image (the
 * last block may be cut short by ImageSize).
 */
export interface Bmap {
  version: string;
  imageSize: number;
  blockSize: number;
  mappedBlocks: number;
  checksumType: 'sha256' | 'sha1' | 'md5';
  ranges: BmapRange[];
}

export interface BmapRange {
  /** Byte offsets in the image, [start, end). */
  start: number;
  end: number;
  checksum?: string;
}

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(xml)?.[1];

function bad(why: string): DlError {
  return new DlError(`not a usable bmap file: ${why}`, { code: 'DL_ERR_BMAP', exitCode: ExitCode.INTEGRITY, hint: 'make one with bmaptool create IMAGE > IMAGE.bmap' });
}

function num(xml: string, name: string): number {
  const v = Number(tag(xml, name));
  if (!Number.isSafeInteger(v) || v < 0) throw bad(`<${name}> is missing or not a number`);
  return v;
}

/** Parses and checks a bmap file: its own checksum, then every range against the image size. */
export function parseBmap(xml: string): Bmap {
  const version = /<bmap\s+version="(\d+)\.(\d+)"/.exec(xml);
  if (!version) throw bad('no <bmap version="…"> element');
  if (version[1] !== '2') throw bad(`format version ${version[1]}.${version[2]} (only 2.x is read)`);
  const checksumType = tag(xml, 'ChecksumType');
  if (checksumType !== 'sha256' && checksumType !== 'sha1' && checksumType !== 'md5') throw bad(`checksum type ${checksumType ?? 'missing'}`);
  verifyFileChecksum(xml, checksumType);
  const imageSize = num(xml, 'ImageSize');
  const blockSize = num(xml, 'BlockSize');
  if (blockSize === 0 || blockSize % 512 !== 0) throw bad(`block size ${blockSize}`);
  const ranges: BmapRange[] = [];
  for (const m of xml.matchAll(/<Range(?:\s+chksum="([0-9a-fA-F]+)")?\s*>\s*(\d+)(?:\s*-\s*(\d+))?\s*<\/Range>/g)) {
    const first = Number(m[2]);
    const last = m[3] === undefined ? first : Number(m[3]);
    const start = first * blockSize;
    const end = Math.min((last + 1) * blockSize, imageSize);
    if (last < first || start >= imageSize || (ranges.length > 0 && start < ranges.at(-1)!.end)) throw bad(`range ${m[2]}-${m[3] ?? m[2]} is out of order or outside the image`);
    ranges.push({ start, end, ...(m[1] ? { checksum: m[1].toLowerCase() } : {}) });
  }
  return { version: `${version[1]}.${version[2]}`, imageSize, blockSize, mappedBlocks: num(xml, 'MappedBlocksCount'), checksumType, ranges };
}

function verifyFileChecksum(xml: string, algorithm: string): void {
  const m = /(<BmapFileChecksum>\s*)([0-9a-fA-F]+)(\s*<\/BmapFileChecksum>)/.exec(xml);
  if (!m) return;
  const zeroed = xml.replace(m[0], `${m[1]}${'0'.repeat(m[2]!.length)}${m[3]}`);
  const actual = createHash(algorithm).update(zeroed).digest('hex');
  if (actual !== m[2]!.toLowerCase()) {
    throw integrityError('the bmap file is corrupt: its BmapFileChecksum does not match', { expected: m[2], actual }, 'fetch the bmap file again');
  }
}

/** Bytes the map says hold data. */
export const mappedBytes = (b: Bmap): number => b.ranges.reduce((n, r) => n + r.end - r.start, 0);
