import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { abortedError, DlError, ExitCode } from '../errors/dl-error.js';
import { CV_SIZE, findBlake3Tree, hashPieces, PIECE_SIZE, type Blake3Tree } from './blake3-pieces.js';
import { resolveWorkerUrl } from './hash-pool.js';

/** What a blake3-tree worker is given (workerData) and sends back. */
export interface TreeShare {
  addonPath: string;
  fd: number;
  size: number;
  first: number;
  end: number;
  /** Pieces between two progress reports. */
  batch: number;
}
export type TreeReply =
  | { type: 'progress'; bytes: number }
  | { type: 'done'; cvs: Uint8Array }
  | { type: 'error'; message: string; code?: string };

/** Smaller files stay on one thread: starting a worker (~20 ms) would cost what it saves. */
export const TREE_MIN_SIZE = 128 << 20;
/** 16 pieces (64 MiB) between progress reports, and between event-loop turns here. */
const BATCH = 16;

export interface Blake3TreeOptions {
  /** Threads, this one included (default: available cores). */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  /** blake3-tree-worker.js, when not beside the built library (tests of the sources). */
  workerUrl?: URL;
}

/**
 * The BLAKE3 digest (hex) of the regular file open as `fd`, its pieces hashed on several
 * threads: b3sum does the same with mmap and rayon, and one core hashes at about the
 * speed the page cache copies, so a second core nearly halves the time. Undefined when
 * it does not apply (addon not built, one thread, file under TREE_MIN_SIZE): hash on.
 */
export async function hashBlake3Tree(fd: number, size: number, options: Blake3TreeOptions = {}): Promise<string | undefined> {
  const found = findBlake3Tree();
  const pieces = Math.ceil(size / PIECE_SIZE);
  const threads = Math.min(options.threads ?? availableParallelism(), Math.floor(pieces / BATCH));
  if (found === undefined || size < TREE_MIN_SIZE || threads < 2) return undefined;
  const { addon, path: addonPath } = found;
  const cvs = new Uint8Array(pieces * CV_SIZE);
  let hashed = 0;
  const progress = (bytes: number): void => options.onProgress?.((hashed += bytes));
  const shares = splitPieces(pieces, threads);
  const url = options.workerUrl ?? resolveWorkerUrl(import.meta.url, 'blake3-tree-worker.js');
  const workers = shares.slice(1).map(([first, end]) => startWorker(url, { addonPath, fd, size, first, end, batch: BATCH }, cvs, progress));
  const finished = Promise.all(workers.map((w) => w.done));
  finished.catch(() => undefined); // awaited below unless this thread's share fails first
  const stop = (): void => void Promise.all(workers.map((w) => w.worker.terminate()));
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const [first, end] = shares[0] as [number, number];
    await hashHere(addon, fd, size, first, end, cvs, progress, options.signal);
    await finished;
  } catch (error) {
    throw options.signal?.aborted === true ? abortedError() : error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    stop();
  }
  const digest = new Uint8Array(CV_SIZE);
  addon.rootHash(cvs, digest);
  return Buffer.from(digest).toString('hex');
}

/** Contiguous runs of pieces, one per thread, so each reads the file sequentially. */
function splitPieces(pieces: number, threads: number): [number, number][] {
  return Array.from({ length: threads }, (_, t) => [Math.floor((pieces * t) / threads), Math.floor((pieces * (t + 1)) / threads)]);
}

/** This thread's share, a batch at a time: signals, aborts and worker messages land between. */
async function hashHere(
  addon: Blake3Tree,
  fd: number,
  size: number,
  first: number,
  end: number,
  cvs: Uint8Array,
  progress: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const buffer = Buffer.allocUnsafe(PIECE_SIZE);
  for (let from = first; from < end; from += BATCH) {
    signal?.throwIfAborted();
    const to = Math.min(end, from + BATCH);
    hashPieces(addon, fd, size, from, to, buffer, cvs.subarray(from * CV_SIZE));
    progress(Math.min(size, to * PIECE_SIZE) - from * PIECE_SIZE);
    await new Promise(setImmediate);
  }
}

function startWorker(
  url: URL,
  share: TreeShare,
  cvs: Uint8Array,
  progress: (bytes: number) => void,
): { worker: Worker; done: Promise<void> } {
  const worker = new Worker(url, { workerData: share });
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: TreeReply) => {
      if (reply.type === 'progress') progress(reply.bytes);
      else if (reply.type === 'done') resolve(cvs.set(reply.cvs, share.first * CV_SIZE));
      else reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    worker.on('error', (error) =>
      reject(new DlError(`hash worker failed: ${error.message}`, { code: 'DL_ERR_HASH_WORKER', exitCode: ExitCode.OTHER, cause: error })),
    );
    worker.on('exit', () => reject(new DlError('hash worker exited early', { code: 'DL_ERR_HASH_WORKER', exitCode: ExitCode.OTHER })));
  });
  return { worker, done };
}
