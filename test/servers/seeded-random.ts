/** mulberry32: a tiny seeded PRNG so soak runs and fault plans replay exactly from a seed. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic bytes of any length (not compressible, reproducible from the seed). */
export function seededBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  const rand = seededRandom(seed);
  let i = 0;
  for (; i + 4 <= length; i += 4) out.writeUInt32LE((rand() * 4294967296) >>> 0, i);
  for (; i < length; i++) out[i] = (rand() * 256) | 0;
  return out;
}
