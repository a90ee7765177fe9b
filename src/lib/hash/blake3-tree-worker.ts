/**
 * Worker-thread side of hashBlake3Tree: hashes a run of pieces of a file the parent has
 * open and sends their chaining values. Entry point `lib/hash/blake3-tree-worker` in
 * tsup.config.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hashPieces, loadBlake3Tree, PIECE_SIZE, CV_SIZE } from './blake3-pieces.js';
import type { TreeShare, TreeReply } from './blake3-tree.js';

const port = parentPort;
if (port === null) throw new Error('blake3-tree-worker.js runs only as a worker thread');
const { addonPath, fd, size, first, end, batch } = workerData as TreeShare;
const reply = (message: TreeReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

try {
  const addon = loadBlake3Tree(addonPath);
  const buffer = Buffer.allocUnsafe(PIECE_SIZE);
  const cvs = new Uint8Array((end - first) * CV_SIZE);
  for (let from = first; from < end; from += batch) {
    const to = Math.min(end, from + batch);
    hashPieces(addon, fd, size, from, to, buffer, cvs.subarray((from - first) * CV_SIZE));
    reply({ type: 'progress', bytes: Math.min(size, to * PIECE_SIZE) - from * PIECE_SIZE });
  }
  reply({ type: 'done', cvs }, [cvs.buffer]);
} catch (error) {
  const { message, code } = error as NodeJS.ErrnoException;
  reply({ type: 'error', message, code });
}
