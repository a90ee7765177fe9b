/**
 * Worker-thread side of DecodePool: runs each decoding job it is sent and answers with
 * its result, handing the buffers back. Entry point `lib/unpack/unpack-worker` in
 * tsup.config.ts.
 */
import { parentPort } from 'node:worker_threads';
import { runJob, transfers, type DecodeJob } from './decode-jobs.js';

const port = parentPort;
if (port === null) throw new Error('unpack-worker.js runs only as a worker thread');

port.on('message', (job: DecodeJob) => {
  void runJob(job).then((result) => port.postMessage(result, transfers(result)));
});
