import type { FileHandle } from 'node:fs/promises';
import type { BufferRecycler } from '../streams/buffer-recycler.js';

/**
 * A file read `recycler.size` bytes at a time into the recycler's buffers, one read ahead
 * of the consumer, and closed when the reading ends. A stage that is done with a chunk
 * (decoded or copied it) gives it back and the next read fills it again; chunks never
 * given back are left to the collector. Fresh 1 MiB buffers per read had 10–25 MiB of
 * dead input waiting for V8's next collection while liblzma decoded (peak RSS).
 */
export async function* readFileChunks(fh: FileHandle, recycler: BufferRecycler): AsyncGenerator<Buffer> {
  const read = async (): Promise<Buffer> => {
    const buffer = recycler.take();
    const { bytesRead } = await fh.read(buffer, 0, buffer.length, null);
    return buffer.subarray(0, bytesRead);
  };
  let next = read();
  try {
    for (;;) {
      const chunk = await next;
      if (chunk.length === 0) return;
      next = read();
      yield chunk;
    }
  } finally {
    await next.catch(() => undefined);
    await fh.close();
  }
}
