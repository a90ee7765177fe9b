import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { abortedError, DlError, ExitCode } from '../errors/dl-error.js';
import type { Algorithm, Digests } from './algorithms.js';
import type { FileHash } from './hash-file.js';
import { findWorker } from '../workers/find-worker.js';

/** Messages between HashPool and hash-worker.js. */
export type WorkerRequest =
  | { type: 'hash'; id: number; path: string; algorithms: readonly Algorithm[]; chunkSize?: number }
  | { type: 'abort'; id: number };
export type WorkerReply =
  | { id: number; ok: true; bytes: number; digests: Digests }
  | { id: number; ok: false; error: { message: string; code: DlError['code']; exitCode: DlError['exitCode']; hint?: string; details?: Record<string, unknown> } };

export interface HashPoolOptions {
  /** Worker threads at most (default: available cores). */
  size?: number;
  /** Where hash-worker.js is (default: found beside the built library, see resolveWorkerUrl). */
  workerUrl?: URL;
  chunkSize?: number;
}

interface Task {
  request: Extract<WorkerRequest, { type: 'hash' }>;
  resolve: (result: FileHash) => void;
  reject: (error: DlError) => void;
  signal?: AbortSignal;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

/**
 * Hashes files on a small pool of worker threads, one file per worker at a time. Workers
 * start on demand and do not keep the process alive while idle; close() ends them.
 */
export class HashPool {
  readonly #size: number;
  readonly #workerUrl: URL;
  readonly #chunkSize: number | undefined;
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  #nextId = 1;

  constructor(options: HashPoolOptions = {}) {
    this.#size = Math.max(1, options.size ?? availableParallelism());
    this.#workerUrl = options.workerUrl ?? resolveWorkerUrl();
    this.#chunkSize = options.chunkSize;
  }

  hash(path: string, algorithms: readonly Algorithm[], options: { signal?: AbortSignal } = {}): Promise<FileHash> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortedError());
    return new Promise<FileHash>((resolve, reject) => {
      const request = { type: 'hash' as const, id: this.#nextId++, path, algorithms, chunkSize: this.#chunkSize };
      const task: Task = { request, resolve, reject, signal };
      signal?.addEventListener('abort', () => this.#abort(task), { once: true });
      this.#queue.push(task);
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    for (const task of this.#queue.splice(0)) task.reject(abortedError());
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  #dispatch(): void {
    for (;;) {
      const task = this.#queue[0];
      if (task === undefined) return;
      const slot = this.#slots.find((s) => s.task === undefined) ?? this.#spawn();
      if (slot === undefined) return;
      this.#queue.shift();
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage(task.request);
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.#size) return undefined;
    const slot: Slot = { worker: new Worker(this.#workerUrl) };
    slot.worker.on('message', (reply: WorkerReply) => this.#settle(slot, reply));
    slot.worker.on('error', (error) => this.#fail(slot, error));
    this.#slots.push(slot);
    return slot;
  }

  #settle(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    slot.task = undefined;
    slot.worker.unref();
    if (task !== undefined) {
      const { path } = task.request;
      if (reply.ok) task.resolve({ path, bytes: reply.bytes, digests: reply.digests });
      else task.reject(new DlError(reply.error.message, reply.error));
    }
    this.#dispatch();
  }

  /** A worker that crashed is dropped; its task fails, the others carry on. */
  #fail(slot: Slot, error: Error): void {
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    slot.task?.reject(
      new DlError(`hash worker failed: ${error.message}`, { code: 'DL_ERR_HASH_WORKER', exitCode: ExitCode.OTHER, cause: error }),
    );
    this.#dispatch();
  }

  #abort(task: Task): void {
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      task.reject(abortedError());
    } else {
      this.#slots.find((s) => s.task === task)?.worker.postMessage({ type: 'abort', id: task.request.id });
    }
  }
}

/**
 * hash-worker.js beside the built library: see findWorker. Under the TypeScript sources
 * there is none: callers (tests) pass workerUrl.
 */
export function resolveWorkerUrl(from: string = import.meta.url): URL {
  const name = 'hash-worker.js';
  const found = findWorker('hash', name, from);
  if (found === undefined) {
    throw new DlError(`${name} not found beside ${dirname(fileURLToPath(from))}`, {
      code: 'DL_ERR_HASH_WORKER',
      exitCode: ExitCode.OTHER,
      hint: 'build the package (npm run build), or pass workerUrl to HashPool',
    });
  }
  return found;
}
