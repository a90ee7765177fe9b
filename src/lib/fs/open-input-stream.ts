import { close, createReadStream, fstat, open, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { fsError } from './fs-error.js';

const openFd = promisify(open);
const closeFd = promisify(close);
const fstatFd = promisify(fstat) as (fd: number) => Promise<Stats>;

/**
 * A readable stream of the file at `path`. A named pipe is read through the event loop
 * (as a socket) once a writer has opened it: a plain file stream would hold one of
 * libuv's four pool threads in a blocking read() for as long as the writer is quiet, so
 * a few idle pipes would stall every other file operation of the process. The open
 * itself still waits for a writer, as `cat fifo` does. Throws DlError (66 when missing).
 */
export async function openInputStream(path: string): Promise<Readable> {
  let fd: number;
  try {
    fd = await openFd(path, 'r');
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  const stats = await fstatFd(fd);
  if (stats.isDirectory()) {
    await closeFd(fd);
    throw fsError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), path, 'read');
  }
  return stats.isFIFO() || stats.isSocket() ? new Socket({ fd, readable: true, writable: false }) : createReadStream('', { fd });
}
