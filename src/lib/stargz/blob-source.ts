import { open, stat } from 'node:fs/promises';
import { fsError } from '../fs/fs-error.js';

/**
 * Random access to one layer blob: a local file, a registry blob by Range, or an OCI
 * layout file. `bytesRead` counts what was transferred, which is what lazy pulling saves.
 */
export interface BlobSource {
  /** Names the blob in messages (digest or path, never a credential). */
  readonly label: string;
  readonly size: number;
  readonly bytesRead: number;
  /** Exactly `length` bytes at `offset`; rejects when the blob is shorter. */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Buffer>;
}

/** A blob in a local file (a layer saved by `crane blob`, or inside an OCI layout). */
export async function fileBlobSource(path: string, label = path): Promise<BlobSource> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw fsError(err, path, 'stat');
  }
  let bytesRead = 0;
  return {
    label,
    size,
    get bytesRead() {
      return bytesRead;
    },
    async read(offset, length) {
      const fh = await open(path, 'r').catch((err: unknown) => Promise.reject(fsError(err, path, 'read')));
      try {
        const buf = Buffer.alloc(length);
        const { bytesRead: n } = await fh.read(buf, 0, length, offset);
        if (n !== length) throw fsError(Object.assign(new Error('short read'), { code: 'EIO' }), path, 'read');
        bytesRead += n;
        return buf;
      } finally {
        await fh.close();
      }
    },
  };
}
