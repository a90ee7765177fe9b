import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { IHasher } from 'hash-wasm';
import { DlError, ExitCode } from '../errors/dl-error.js';
import type { Algorithm } from './algorithms.js';
import { loadHashWasm } from './load-hash-wasm.js';

/**
 * One incremental digest. Implementation per algorithm, chosen by measured throughput
 * (bench/README.md): node:crypto (OpenSSL, SHA extensions) for md5/sha1/sha256/sha512,
 * zlib.crc32 for crc32, native bindings for blake3 (@napi-rs/blake-hash: SIMD, ~5× hash-wasm)
 * and xxh64/xxh3 (@node-rs/xxhash: 1.5× and 4× hash-wasm in CPU time). hash-wasm is the portable
 * fallback where a binding has no prebuilt binary, and serves states saved by such a hasher.
 */
export interface Hasher {
  readonly algorithm: Algorithm;
  /** Feeds bytes; the chunk is read, never kept or modified. */
  update(chunk: Uint8Array): void;
  /** Lowercase hex digest; call once, after the last update. */
  digest(): string;
  /** Opaque state to resume from with createHasher(algo, state), or null when this
   * implementation cannot export its state (node:crypto, native bindings). */
  save(): Uint8Array | null;
}

/** A fresh hasher, or one resumed from a state its save() returned. */
export async function createHasher(algorithm: Algorithm, state?: Uint8Array): Promise<Hasher> {
  switch (algorithm) {
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      if (state !== undefined) throw stateError(algorithm, 'its implementation cannot resume');
      return cryptoHasher(algorithm);
    case 'crc32':
      return crc32Hasher(state === undefined ? 0 : loadCrc32(state));
    case 'blake3':
    case 'xxh64':
    case 'xxh3':
      return (
        (state === undefined ? await nativeHasher(algorithm) : undefined) ??
        wasmHasher(algorithm, await WASM[algorithm](), state)
      );
  }
}

// Every binding and hash-wasm are loaded on first use, not at startup: a sha256 run never
// pays for them (hash-wasm alone took ~30 ms to load), and a blake3 run loads only its own
// binding. The bindings are optional: a platform without a prebuilt binary gets hash-wasm.
const WASM = {
  blake3: () => loadHashWasm().then((m) => m.createBLAKE3(256)),
  xxh64: () => loadHashWasm().then((m) => m.createXXHash64()),
  xxh3: () => loadHashWasm().then((m) => m.createXXHash3()),
};

let blake3Binding: Promise<typeof import('@napi-rs/blake-hash').Blake3Hasher | undefined> | undefined;
let xxhashBinding: Promise<typeof import('@node-rs/xxhash') | undefined> | undefined;
const loadBlake3 = () =>
  (blake3Binding ??= import('@napi-rs/blake-hash').then((m) => m.Blake3Hasher, () => undefined));
const loadXxhash = () => (xxhashBinding ??= import('@node-rs/xxhash').then((m) => m, () => undefined));

async function nativeHasher(algorithm: 'blake3' | 'xxh64' | 'xxh3'): Promise<Hasher | undefined> {
  if (algorithm === 'blake3') {
    const blake3 = await loadBlake3();
    if (blake3 === undefined) return undefined;
    const h = new blake3();
    return { algorithm, update: (c) => void h.update(c), digest: () => h.digest('hex'), save: () => null };
  }
  const xxhash = await loadXxhash();
  if (xxhash === undefined) return undefined;
  // The binding digests to a bigint; xxhsum prints it as 16 hex digits, big-endian.
  const h = algorithm === 'xxh64' ? new xxhash.Xxh64() : xxhash.xxh3.Xxh3.withSeed();
  return { algorithm, update: (c) => void h.update(c), digest: () => h.digest().toString(16).padStart(16, '0'), save: () => null };
}

function cryptoHasher(algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512'): Hasher {
  const hash = createHash(algorithm);
  return {
    algorithm,
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.digest('hex'),
    save: () => null,
  };
}

function crc32Hasher(initial: number): Hasher {
  let value = initial;
  return {
    algorithm: 'crc32',
    update: (chunk) => void (value = crc32(chunk, value)),
    digest: () => value.toString(16).padStart(8, '0'),
    save: () => {
      const state = new Uint8Array(4);
      new DataView(state.buffer).setUint32(0, value);
      return state;
    },
  };
}

function loadCrc32(state: Uint8Array): number {
  if (state.byteLength !== 4) throw stateError('crc32', `expected 4 bytes, got ${state.byteLength}`);
  return new DataView(state.buffer, state.byteOffset, 4).getUint32(0);
}

function wasmHasher(algorithm: Algorithm, wasm: IHasher, state: Uint8Array | undefined): Hasher {
  if (state !== undefined) {
    try {
      wasm.load(state);
    } catch (cause) {
      throw stateError(algorithm, 'it was not saved by this algorithm', cause);
    }
  }
  return {
    algorithm,
    update: (chunk) => void wasm.update(chunk),
    digest: () => wasm.digest('hex'),
    save: () => wasm.save(),
  };
}

function stateError(algorithm: Algorithm, why: string, cause?: unknown): DlError {
  return new DlError(`cannot resume ${algorithm} hashing from the saved state: ${why}`, {
    code: 'DL_ERR_HASH_STATE',
    exitCode: ExitCode.OTHER,
    hint: 'delete the checkpoint and start over',
    cause,
  });
}
