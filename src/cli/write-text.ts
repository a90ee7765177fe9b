import type { Writable } from 'node:stream';

/**
 * Writes text and waits until it is flushed. A failed write (EPIPE: the reader went
 * away) resolves false instead of throwing: the CLI edge has nothing better to do.
 */
export function writeText(stream: Writable, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve(false);
    stream.write(text, (err) => resolve(!err));
  });
}
