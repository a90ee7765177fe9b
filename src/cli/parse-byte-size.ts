import { usageError } from '../lib/errors/dl-error.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * `10M`, `512k`, `1.5G`, `1048576`: binary units as curl and aria2c read them (k = 1024),
 * an optional trailing `B`/`iB` tolerated. Throws a usage error naming the option.
 */
export function parseByteSize(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const value = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isFinite(value) || value <= 0) throw usageError(`${option} ${text}: not a size`, `e.g. ${option} 10M (k, M, G are powers of 1024)`);
  return Math.floor(value);
}
