import { createHash } from 'node:crypto';
import { usageError } from '../errors/dl-error.js';

/** `--shard K/N`: this machine's part K (1-based) of N. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 1 && index <= count && count <= 1_000_000)) {
    throw usageError(`--shard ${text}: expected K/N with 1 ≤ K ≤ N`, 'e.g. --shard 2/4 on the second of four machines');
  }
  return { index, count };
}

/**
 * The shard (1..count) a URL belongs to: the first 8 bytes of its SHA-256 modulo count.
 * The same on every machine and Node version, so N machines given the same list and
 * K = 1..N fetch every job exactly once.
 */
export function shardOf(url: string, count: number): number {
  const h = createHash('sha256').update(url).digest().readBigUInt64BE(0);
  return Number(h % BigInt(count)) + 1;
}

export const inShard = (url: string, shard: Shard): boolean => shardOf(url, shard.count) === shard.index;
