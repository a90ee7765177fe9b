import { availableParallelism } from 'node:os';
import type { DlError } from '../errors/dl-error.js';
import type { Algorithm } from './algorithms.js';
import { fileError, hashFile, type FileHash } from './hash-file.js';
import { HashPool } from './hash-pool.js';

export type HashOutcome = ({ ok: true } & FileHash) | { ok: false; path: string; error: DlError };

export interface HashFilesOptions {
  signal?: AbortSignal;
  /** Files hashed at once (default: available cores). */
  concurrency?: number;
  chunkSize?: number;
  /** hash-worker.js, when not beside the built library (tests of the sources). */
  workerUrl?: URL;
}

/**
 * Hashes files and yields one outcome per path, in the order given, so a caller prints
 * like sha256sum and goes on past a failed file. One file is hashed in this thread; several
 * run on a HashPool, at most `concurrency` at once plus as many finished results held for
 * ordering.
 */
export async function* hashFiles(
  paths: readonly string[],
  algorithms: readonly Algorithm[],
  options: HashFilesOptions = {},
): AsyncGenerator<HashOutcome> {
  const { signal, chunkSize } = options;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), paths.length));
  const pool = concurrency > 1 ? new HashPool({ size: concurrency, workerUrl: options.workerUrl, chunkSize }) : undefined;
  const start = (path: string): Promise<HashOutcome> =>
    (pool ? pool.hash(path, algorithms, { signal }) : hashFile(path, algorithms, { signal, chunkSize })).then(
      (result) => ({ ok: true, ...result }),
      (error: unknown) => ({ ok: false, path, error: fileError(path, error) }),
    );
  const window: Promise<HashOutcome>[] = [];
  let next = 0;
  try {
    while (next < paths.length || window.length > 0) {
      while (next < paths.length && window.length < concurrency * 2) window.push(start(paths[next++] as string));
      yield await (window.shift() as Promise<HashOutcome>);
    }
  } finally {
    await pool?.close();
  }
}
