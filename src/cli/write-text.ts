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

/**
 * Writes a command's output and waits until it is flushed; a failed write rejects, so
 * the command stops (and run-command reports it) instead of carrying on into a closed pipe.
 */
export function writeOut(stream: Writable, data: string | Uint8Array): Promise<void> {
  return new Promise((ok, fail) => stream.write(data, (e) => (e ? fail(e) : ok())));
}
