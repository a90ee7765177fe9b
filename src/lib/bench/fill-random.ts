/**
 * Fills `buf` with xorshift128 output seeded by `seed`: the same seed gives the same bytes,
 * so a reader can regenerate what a writer wrote without storing it. Several hundred MB/s
 * on 32-bit words, which is plenty for the few KiB per capacity sample it fills.
 */
export function fillRandom(buf: Uint8Array, seed: bigint): void {
  let x = Number(seed & 0xffffffffn) | 1;
  let y = Number((seed >> 32n) & 0xffffffffn) ^ 0x9e3779b9;
  let z = 0x2545f491;
  let w = 0x6c078965 ^ x;
  const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  for (let i = 0; i < words.length; i++) {
    const t = x ^ (x << 11);
    [x, y, z] = [y, z, w];
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    words[i] = w;
  }
  for (let i = words.length * 4; i < buf.length; i++) buf[i] = (i * 131 + Number(seed & 0xffn)) & 0xff;
}
