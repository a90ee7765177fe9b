/**
 * Hashing that survives a restart (dl-get, dl-flash checkpoints).
 *
 * Decision: always hash with the fastest implementation while streaming; on resume,
 * restore the saved state where that implementation can export it, else re-hash the kept
 * prefix. Measured (x86-64 with SHA-NI/AVX-512, Node 20, 1 MiB chunks, in memory):
 *   sha256  node:crypto 1741 MiB/s   hash-wasm 324 MiB/s (5.4× slower)
 *   sha512  node:crypto  965 MiB/s   hash-wasm 319 MiB/s
 *   sha1    node:crypto 1835 MiB/s   hash-wasm 643 MiB/s
 *   md5     node:crypto  740 MiB/s   hash-wasm 289 MiB/s
 *   blake3  native      ~4500 MiB/s  hash-wasm ~600 MiB/s
 * Saving sha256 state would mean hash-wasm while streaming: ~12.6 s of CPU per 4 GiB on every
 * transfer, and a ~320 MiB/s ceiling. Re-hashing a 4 GiB prefix once on resume took 6.9 s
 * wall / 5.1 s CPU for sha256 (3.8 s / 2.2 s for blake3), read back from page cache on a
 * loaded 2-core machine. Resumes are rare, streaming is every time: so only crc32 (and the
 * hash-wasm fallbacks, where a native binding is missing) save state; with md5, sha*, blake3,
 * xxh64 or xxh3, serialize() returns null and the caller re-hashes the prefix (resumeHasher).
 *
 * Serialized form (JSON): {"v":1,"bytes":N,"states":{"<algorithm>":"<base64 state>",…}}
 * where bytes is the length of the prefix the states cover: the caller checks it against
 * the kept partial file before appending.
 */
import { DlError, ExitCode } from '../errors/dl-error.js';
import { ALGORITHMS, type Algorithm } from './algorithms.js';
import { createHasher } from './create-hasher.js';
import { MultiHasher } from './multi-hasher.js';

const STATE_VERSION = 1;

export class ResumableHasher extends MultiHasher {
  /** State for a checkpoint, or null when some algorithm must re-hash the prefix on resume
   * (rehashPrefix). Call between updates, before digest(). */
  serialize(): string | null {
    if (this.finished) throw new Error('ResumableHasher.serialize after digest');
    const states: Record<string, string> = {};
    for (const h of this.hashers) {
      const state = h.save();
      if (state === null) return null;
      states[h.algorithm] = Buffer.from(state).toString('base64');
    }
    return JSON.stringify({ v: STATE_VERSION, bytes: this.bytes, states });
  }
}

export async function createResumableHasher(algorithms: readonly Algorithm[]): Promise<ResumableHasher> {
  return new ResumableHasher(await Promise.all(algorithms.map((a) => createHasher(a))));
}

/** The hasher a serialize() string saved; it must cover exactly `algorithms`. */
export async function restoreResumableHasher(serialized: string, algorithms: readonly Algorithm[]): Promise<ResumableHasher> {
  const { bytes, states } = parseState(serialized);
  const saved = Object.keys(states).sort().join(',');
  if (saved !== [...algorithms].sort().join(',')) throw stateError(`it holds ${saved || 'nothing'}, not ${algorithms.join(',')}`);
  const hashers = await Promise.all(
    algorithms.map((a) => createHasher(a, Buffer.from(states[a] as string, 'base64'))),
  );
  return new ResumableHasher(hashers, bytes);
}

/** A hasher that has consumed the kept prefix again (when serialize() gave null). */
export async function rehashPrefix(
  algorithms: readonly Algorithm[],
  prefix: AsyncIterable<Uint8Array>,
  options: { signal?: AbortSignal } = {},
): Promise<ResumableHasher> {
  const hasher = await createResumableHasher(algorithms);
  for await (const chunk of prefix) {
    options.signal?.throwIfAborted();
    hasher.update(chunk);
  }
  return hasher;
}

/**
 * The one resume entry point: restore from `serialized` when the checkpoint holds state,
 * else re-hash what `readPrefix()` yields (the kept partial output).
 */
export async function resumeHasher(
  algorithms: readonly Algorithm[],
  serialized: string | null,
  readPrefix: () => AsyncIterable<Uint8Array>,
  options: { signal?: AbortSignal } = {},
): Promise<ResumableHasher> {
  return serialized === null
    ? rehashPrefix(algorithms, readPrefix(), options)
    : restoreResumableHasher(serialized, algorithms);
}

function parseState(serialized: string): { bytes: number; states: Record<string, string> } {
  let value: unknown;
  try {
    value = JSON.parse(serialized);
  } catch (cause) {
    throw stateError('it is not JSON', cause);
  }
  const v = value as { v?: unknown; bytes?: unknown; states?: unknown } | null;
  if (v?.v !== STATE_VERSION) throw stateError(`unknown version ${JSON.stringify(v?.v)}`);
  if (!Number.isSafeInteger(v.bytes) || (v.bytes as number) < 0) throw stateError('bad byte count');
  const states = v.states as Record<string, unknown> | null;
  if (typeof states !== 'object' || states === null) throw stateError('no states');
  for (const [k, s] of Object.entries(states)) {
    if (!(ALGORITHMS as readonly string[]).includes(k) || typeof s !== 'string') throw stateError(`bad entry ${k}`);
  }
  return { bytes: v.bytes as number, states: states as Record<string, string> };
}

function stateError(why: string, cause?: unknown): DlError {
  return new DlError(`cannot resume hashing from the checkpoint: ${why}`, {
    code: 'DL_ERR_HASH_STATE',
    exitCode: ExitCode.OTHER,
    hint: 'delete the checkpoint and start over',
    cause,
  });
}
