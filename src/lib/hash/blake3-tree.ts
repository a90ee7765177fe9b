import { availableParallelism } from 'node:os';
import { abortedError } from '../errors/dl-error.js';
import { findAddon } from '../native/find-addon.js';

/** native/blake3-tree.c, built by node-gyp at install. */
export interface Blake3Tree {
  subtreeCv(data: Uint8Array, firstChunk: number, out: Uint8Array): void;
  rootHash(cvs: Uint8Array, out: Uint8Array): void;
  /** state: [bytes hashed so far, set 1 to stop]. Resolves to the 32-byte digest. */
  hashFile(fd: number, size: number, threads: number, state: Float64Array): Promise<Buffer>;
}

/** Smaller files stay on one thread: starting threads and mapping would cost what they save. */
export const TREE_MIN_SIZE = 128 << 20;
const PROGRESS_MS = 100;

export interface Blake3TreeOptions {
  /** Threads (default: available cores). */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
}

/** The addon, or undefined where it was not built: blake3 then uses one core. */
export const findBlake3Tree = (): Blake3Tree | undefined => findAddon<Blake3Tree>('blake3_tree');

/**
 * The BLAKE3 digest (hex) of the regular file open as `fd`, as b3sum computes it: the
 * file mapped into memory and its 4 MiB pieces (BLAKE3 subtrees) hashed on several
 * threads by the addon, off this thread, whose chaining values it joins into the root.
 * Reading it into buffers instead cost a copy per byte: 0.50 s for 2 GiB against b3sum's
 * 0.20. Undefined when it does not apply (addon not built, one thread, a file under
 * TREE_MIN_SIZE): hash on.
 */
export async function hashBlake3Tree(fd: number, size: number, options: Blake3TreeOptions = {}): Promise<string | undefined> {
  const addon = findBlake3Tree();
  const threads = options.threads ?? availableParallelism();
  if (addon === undefined || size < TREE_MIN_SIZE || threads < 2) return undefined;
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const state = new Float64Array(2);
  const stop = (): void => void (state[1] = 1);
  signal?.addEventListener('abort', stop, { once: true });
  const ticker = onProgress ? setInterval(() => onProgress(state[0]!), PROGRESS_MS) : undefined;
  try {
    const digest = await addon.hashFile(fd, size, threads, state);
    onProgress?.(size);
    return digest.toString('hex');
  } catch (error) {
    throw signal?.aborted === true ? abortedError() : error;
  } finally {
    clearInterval(ticker);
    signal?.removeEventListener('abort', stop);
  }
}
