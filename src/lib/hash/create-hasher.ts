import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { createBLAKE3, createXXHash3, createXXHash64, type IHasher } from 'hash-wasm';
import { DlError, ExitCode } from '../errors/dl-error.js';
import type { Algorithm } from './algorithms.js';

/**
 * One incremental digest. Implementation per algorithm, chosen by measured throughput
 * (bench/README.md): node:crypto (OpenSSL, SHA extensions) for md5/sha1/sha256/sha512,
 * zlib.crc32 for crc32, the @napi-rs/blake-hash binding (SIMD, ~5× hash-wasm) for blake3,
 * hash-wasm for xxh64 and xxh3 (>7 GiB/s, faster than the file reads). hash-wasm's blake3 is
 * the portable fallback where the binding has no prebuilt binary, and serves saved states.
 */
export interface Hasher {
  readonly algorithm: Algorithm;
  /** Feeds bytes; the chunk is read, never kept or modified. */
  update(chunk: Uint8Array): void;
  /** Lowercase hex digest; call once, after the last update. */
  digest(): string;
  /** Opaque state to resume from with createHasher(algo, state), or null when this
   * implementation cannot export its state (node:crypto). */
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
    case 'blake3': {
      const Native = state === undefined ? await loadNativeBlake3() : undefined;
      return Native ? nativeBlake3Hasher(new Native()) : wasmHasher(algorithm, await createBLAKE3(256), state);
    }
    case 'xxh64':
      return wasmHasher(algorithm, await createXXHash64(), state);
    case 'xxh3':
      return wasmHasher(algorithm, await createXXHash3(), state);
  }
}

type NativeBlake3 = typeof import('@napi-rs/blake-hash').Blake3Hasher;
let nativeBlake3: Promise<NativeBlake3 | undefined> | undefined;

// Loaded on first use (not at startup), and optional: no binary for this platform → wasm.
const loadNativeBlake3 = (): Promise<NativeBlake3 | undefined> =>
  (nativeBlake3 ??= import('@napi-rs/blake-hash').then(
    (m) => m.Blake3Hasher,
    () => undefined,
  ));

function nativeBlake3Hasher(hasher: InstanceType<NativeBlake3>): Hasher {
  return {
    algorithm: 'blake3',
    update: (chunk) => void hasher.update(chunk),
    digest: () => hasher.digest('hex'),
    save: () => null,
  };
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
