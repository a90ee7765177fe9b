import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { findWorker } from '../workers/find-worker.js';
import { runJob, transfers, type DecodeJob, type JobResult } from './decode-jobs.js';

interface Slot {
  worker: Worker;
  pending?: Pending;
}

interface Pending {
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
}

export interface DecodePoolOptions {
  /** Worker threads at most (default: one fewer than the cores). */
  size?: number;
  /** unpack-worker.js (default: found beside the built library; none: size 0). */
  workerUrl?: URL;
}

/**
 * Decoding jobs (xz blocks, bzip2 blocks) on a few worker threads, one job per worker at a
 * time, started on demand and not keeping the process alive while idle. When every worker
 * is busy, the calling thread runs the job itself: it would only wait otherwise, and one
 * worker fewer is one V8 heap (tens of MiB) less.
 */
export class DecodePool {
  /** Worker threads at most: jobs run size + 1 at a time, counting the calling thread. */
  readonly size: number;
  readonly #workerUrl: URL | undefined;
  readonly #slots: Slot[] = [];

  constructor(options: DecodePoolOptions = {}) {
    this.#workerUrl = options.workerUrl ?? findWorker('unpack', 'unpack-worker.js');
    this.size = this.#workerUrl === undefined ? 0 : Math.max(0, options.size ?? availableParallelism() - 1);
  }

  run(job: DecodeJob): Promise<JobResult> {
    const slot = this.#slots.find((s) => s.pending === undefined) ?? this.#spawn();
    if (slot === undefined) return runJob(job);
    return new Promise((resolve, reject) => {
      slot.pending = { resolve, reject };
      slot.worker.ref();
      slot.worker.postMessage(job, transfers(job));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.size) return undefined;
    const slot: Slot = { worker: new Worker(this.#workerUrl!) };
    slot.worker.on('message', (result: JobResult) => {
      const p = slot.pending;
      slot.pending = undefined;
      slot.worker.unref();
      p?.resolve(result);
    });
    // A crashed worker fails its job; the others carry on.
    slot.worker.on('error', (error) => {
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      slot.pending?.reject(error);
    });
    this.#slots.push(slot);
    return slot;
  }
}

