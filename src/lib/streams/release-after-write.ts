import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';

/**
 * A Writable in front of `target` that hands each chunk to `release` once the target's
 * write of it has completed: a file stream or a descriptor has then copied the bytes, so
 * the producer may fill the buffer again. Not for targets that keep chunks (a
 * PassThrough). Ending waits for the target to finish (and close, for a file stream);
 * the target's errors fail this stream.
 */
export function releaseAfterWrite(target: Writable, release: (chunk: Uint8Array) => void): Writable {
  const onError = (err: Error): void => void out.destroy(err);
  const out = new Writable({
    highWaterMark: 0,
    write(chunk: Buffer, encoding, done) {
      target.write(chunk, encoding, (err) => {
        if (!err) release(chunk);
        done(err ?? undefined);
      });
    },
    final(done) {
      target.end();
      finished(target).then(() => done(), done);
    },
    destroy(err, done) {
      // The target may still report what already failed this stream (a file stream's
      // open error follows its write callback's): nothing is left to tell.
      target.off('error', onError).on('error', () => undefined);
      done(err);
    },
  });
  target.on('error', onError);
  return out;
}
