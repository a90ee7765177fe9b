import type { BitReader } from './bit-reader.js';
import { HuffmanTable, MAX_CODE_LEN } from './huffman-table.js';

/**
 * One bzip2 block after its 48-bit magic:
 *   blockCRC:32 randomised:1 origPtr:24
 *   used:16, then 16 bits for each set bit  → the byte values present (seqToUnseq)
 *   nGroups:3 (2..6) nSelectors:15, selectors MTF-coded in unary
 *   per group: start length:5, then per symbol delta bits (1x = ±1, 0 = next symbol)
 *   symbols: RUNA/RUNB run lengths, MTF indexes, EOB; group switches every 50 symbols
 * The result is the BWT vector in the low byte of `tt`, as libbzip2's fast path uses it.
 */
export interface Block {
  crc: number;
  origPtr: number;
  count: number;
  /** Occurrences of each byte value, for the inverse BWT. */
  unzftab: Int32Array;
}

const GROUP_SIZE = 50;

function readSymbolMap(r: BitReader): Uint8Array {
  const used = r.read(16);
  const map: number[] = [];
  for (let i = 0; i < 16; i++) {
    if (!(used & (0x8000 >> i))) continue;
    const bits = r.read(16);
    for (let j = 0; j < 16; j++) if (bits & (0x8000 >> j)) map.push(i * 16 + j);
  }
  if (map.length === 0) throw r.fail('block uses no symbols');
  return Uint8Array.from(map);
}

function readSelectors(r: BitReader, nGroups: number): Uint8Array {
  const nSelectors = r.read(15);
  if (nSelectors < 1) throw r.fail('block has no selectors');
  const mtf = [0, 1, 2, 3, 4, 5].slice(0, nGroups);
  const selectors = new Uint8Array(nSelectors);
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (r.read(1)) if (++j >= nGroups) throw r.fail('bad selector');
    const v = mtf[j]!;
    mtf.splice(j, 1);
    mtf.unshift(v);
    selectors[i] = v;
  }
  return selectors;
}

function readTables(r: BitReader, nGroups: number, alphaSize: number): HuffmanTable[] {
  const tables: HuffmanTable[] = [];
  const lengths = new Uint8Array(alphaSize);
  for (let t = 0; t < nGroups; t++) {
    let len = r.read(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) throw r.fail('bad code length');
        if (!r.read(1)) break;
        len += r.read(1) ? -1 : 1;
      }
      lengths[s] = len;
    }
    tables.push(new HuffmanTable(lengths, alphaSize));
  }
  return tables;
}

export function readBlock(r: BitReader, tt: Uint32Array, maxCount: number): Block {
  const crc = r.read32();
  if (r.read(1)) throw r.fail('randomised blocks (bzip2 < 0.9.5) are not supported');
  const origPtr = r.read(24);
  const seqToUnseq = readSymbolMap(r);
  const nGroups = r.read(3);
  if (nGroups < 2 || nGroups > 6) throw r.fail('bad number of Huffman groups');
  const selectors = readSelectors(r, nGroups);
  const tables = readTables(r, nGroups, seqToUnseq.length + 2);
  const unzftab = new Int32Array(256);
  const count = decodeSymbols(r, { tt, maxCount, seqToUnseq, selectors, tables, unzftab });
  if (origPtr >= count) throw r.fail('bad BWT origin pointer');
  return { crc, origPtr, count, unzftab };
}

interface SymbolContext {
  tt: Uint32Array;
  maxCount: number;
  seqToUnseq: Uint8Array;
  selectors: Uint8Array;
  tables: HuffmanTable[];
  unzftab: Int32Array;
}

/** Huffman → RUNA/RUNB + MTF → bytes in tt; returns how many. */
function decodeSymbols(r: BitReader, c: SymbolContext): number {
  const { tt, maxCount, seqToUnseq, selectors, tables, unzftab } = c;
  const eob = seqToUnseq.length + 1;
  const mtf = Uint8Array.from({ length: 256 }, (_, i) => i);
  let count = 0;
  let run = 0;
  let runWeight = 1;
  let group = 0;
  let left = 0;
  let table = tables[0]!;
  for (;;) {
    if (left-- === 0) {
      if (group >= selectors.length) throw r.fail('ran out of selectors');
      table = tables[selectors[group++]!]!;
      left = GROUP_SIZE - 1;
    }
    const sym = table.decode(r);
    if (sym <= 1) {
      run += runWeight << sym; // RUNA adds 1×weight, RUNB 2×weight (bijective base 2)
      runWeight <<= 1;
      if (run > maxCount) throw r.fail('run longer than the block');
      continue;
    }
    if (run > 0) {
      if (count + run > maxCount) throw r.fail('block longer than its declared size');
      const b = seqToUnseq[mtf[0]!]!;
      unzftab[b]! += run;
      tt.fill(b, count, count + run);
      count += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) return count;
    if (count >= maxCount) throw r.fail('block longer than its declared size');
    const v = mtf[sym - 1]!;
    mtf.copyWithin(1, 0, sym - 1);
    mtf[0] = v;
    const b = seqToUnseq[v]!;
    unzftab[b]!++;
    tt[count++] = b;
  }
}
