/** One xxh64 block digest at a time: feed, then take the 8-byte big-endian digest. */
export interface Xxh64Stream {
  update(bytes: Uint8Array): void;
  /** Ends this digest and starts the next one. */
  digest(): Uint8Array;
}

type Native = typeof import('@node-rs/xxhash');
let native: Promise<Native | undefined> | undefined;

// The native binding runs ~3× faster than hash-wasm here (bench/dl-flash); wasm is the
// portable fallback where it has no prebuilt binary. Both give the canonical digest.
const loadNative = (): Promise<Native | undefined> =>
  (native ??= import('@node-rs/xxhash').then(
    (m) => m,
    () => undefined,
  ));

const toBytes = (v: bigint): Uint8Array => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(v);
  return out;
};

export async function createXxh64Stream(): Promise<Xxh64Stream> {
  const m = await loadNative();
  if (m) {
    const h = new m.Xxh64();
    return {
      update: (bytes) => void h.update(bytes),
      digest: () => {
        const d = toBytes(h.digest());
        h.reset();
        return d;
      },
    };
  }
  const w = await (await import('hash-wasm')).createXXHash64();
  w.init();
  return {
    update: (bytes) => void w.update(bytes),
    digest: () => {
      const d = Uint8Array.from(w.digest('binary'));
      w.init();
      return d;
    },
  };
}
