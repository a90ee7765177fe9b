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

interface Queued extends Pending {
  job: DecodeJob;
}

export interface DecodePoolOptions {
  /** Worker threads at most (default: one per core). */
  size?: number;
  /** unpack-worker.js (default: found beside the built library; none: size 0). */
  workerUrl?: URL;
}

/**
 * Decoding jobs (bzip2 blocks) on worker threads, one job per worker at a time, started on
 * demand and not keeping the process alive while idle; jobs wait for a free worker. The
 * calling thread does not run them itself: it has the serial half of the work (bzip2's
 * Huffman decoding), and every job it ran held the next blocks back while a worker sat
 * idle (profiled: about half of a run). Without a built worker, jobs run in this thread.
 */
export class DecodePool {
  /** Worker threads at most: jobs run this many at a time. */
  readonly size: number;
  readonly #workerUrl: URL | undefined;
  readonly #slots: Slot[] = [];
  readonly #queue: Queued[] = [];

  constructor(options: DecodePoolOptions = {}) {
    this.#workerUrl = options.workerUrl ?? findWorker('unpack', 'unpack-worker.js');
    this.size = this.#workerUrl === undefined ? 0 : Math.max(0, options.size ?? availableParallelism());
  }

  run(job: DecodeJob): Promise<JobResult> {
    if (this.size === 0) return runJob(job);
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    for (const q of this.#queue.splice(0)) q.reject(new Error('decode pool closed'));
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  #dispatch(): void {
    for (let next = this.#queue[0]; next !== undefined; next = this.#queue[0]) {
      const slot = this.#slots.find((s) => s.pending === undefined) ?? this.#spawn();
      if (slot === undefined) return;
      this.#queue.shift();
      slot.pending = next;
      slot.worker.ref();
      slot.worker.postMessage(next.job, transfers(next.job));
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.size) return undefined;
    const slot: Slot = { worker: new Worker(this.#workerUrl!) };
    slot.worker.on('message', (result: JobResult) => {
      const p = slot.pending;
      slot.pending = undefined;
      slot.worker.unref();
      p?.resolve(result);
      this.#dispatch();
    });
    // A crashed worker fails its job; the others carry on.
    slot.worker.on('error', (error) => {
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      slot.pending?.reject(error);
      this.#dispatch();
    });
    this.#slots.push(slot);
    return slot;
  }
}

