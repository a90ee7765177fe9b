/**
 * Worker-thread side of HashPool: hashes the files it is sent with hashFile and answers
 * with digests or the DlError's fields. Entry point `lib/hash/hash-worker` in tsup.config.ts.
 */
import { parentPort } from 'node:worker_threads';
import { fileError, hashFile } from './hash-file.js';
import type { WorkerReply, WorkerRequest } from './hash-pool.js';

const port = parentPort;
if (port === null) throw new Error('hash-worker.js runs only as a worker thread');
const running = new Map<number, AbortController>();

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'abort') return running.get(request.id)?.abort();
  const controller = new AbortController();
  running.set(request.id, controller);
  const { id, path, algorithms, chunkSize } = request;
  hashFile(path, algorithms, { signal: controller.signal, chunkSize, threads: 1 })
    .then(
      (result): WorkerReply => ({ id, ok: true, bytes: result.bytes, digests: result.digests }),
      (error: unknown): WorkerReply => {
        const e = fileError(path, error);
        return { id, ok: false, error: { message: e.message, code: e.code, exitCode: e.exitCode, hint: e.hint, details: e.details } };
      },
    )
    .then((reply) => {
      running.delete(id);
      port.postMessage(reply);
    });
});
