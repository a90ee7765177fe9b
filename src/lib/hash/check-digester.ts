import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Algorithm } from './algorithms.js';
import type { DigestFn } from './check-sums.js';
import { hashFile, type FileHash } from './hash-file.js';
import { HashPool, resolveWorkerUrl } from './hash-pool.js';
import { createMultiHasher } from './multi-hasher.js';

/**
 * Where `dl-hash -c` and `--auto-check` get digests of the files a SUMS list names:
 * relative to `cwd`, '-' from stdin, big files on worker threads and small ones here —
 * starting a worker costs more than hashing a small file.
 */

/** Files at least this big go to worker threads. */
export const POOL_MIN_BYTES = 16 << 20;

/** Worker threads to use: the cores when the worker script exists (built package), else 1. */
export function workerThreads(): number {
  try {
    resolveWorkerUrl();
    return availableParallelism();
  } catch {
    return 1;
  }
}

/** Size of a regular file, else null (stdin, devices, missing). */
export const regularFileSize = (path: string): Promise<number | null> =>
  path === '-' ? Promise.resolve(null) : stat(path).then((s) => (s.isFile() ? s.size : null), () => null);

export interface DigesterOptions {
  cwd: string;
  /** Called only when a list names '-': opening stdin early can hold a terminal. */
  stdin: () => Readable;
  signal: AbortSignal;
  /** Worker threads at most (default workerThreads()). */
  threads?: number;
}

/** A DigestFn for checkSums and its close(), which ends the workers it started. */
export function createDigester(opts: DigesterOptions): { digest: DigestFn; close: () => Promise<void> } {
  const { cwd, stdin, signal } = opts;
  const threads = opts.threads ?? workerThreads();
  let pool: HashPool | undefined;
  const digest: DigestFn = async (name, algorithms) => {
    if (name === '-') return (await hashReadable(stdin(), algorithms, signal)).digests;
    const path = resolve(cwd, name);
    const big = threads > 1 && ((await regularFileSize(path)) ?? 0) >= POOL_MIN_BYTES;
    if (big) pool ??= new HashPool({ size: threads });
    return (await (big && pool ? pool.hash(path, algorithms, { signal }) : hashFile(path, algorithms, { signal }))).digests;
  };
  return { digest, close: async () => pool?.close() };
}

/** Hashes a stream to its end, in one pass with every algorithm. */
export async function hashReadable(
  input: Readable,
  algorithms: readonly Algorithm[],
  signal: AbortSignal,
  onProgress?: (bytes: number) => void,
): Promise<FileHash> {
  const hasher = await createMultiHasher(algorithms);
  const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      hasher.update(chunk);
      onProgress?.(hasher.bytes);
    }
  };
  await pipeline(input, sink, { signal });
  return { path: '-', bytes: hasher.bytes, digests: hasher.digest() };
}
