import { Writable } from 'node:stream';

/**
 * The stdout a command writes to: ending it (as `pipeline(…, stdout)` does) waits for the
 * bytes to reach the kernel but never shuts the descriptor down. When stdout is a socket
 * (the stdio socketpair of a parent such as Node's spawn, journald's stream), Node's end()
 * calls shutdown(), which cuts the socket for every process sharing it: in
 * `bash -c 'dl-unpack -l x.tgz; echo done'` bash then died of SIGPIPE at its next write.
 * Writes and errors (EPIPE) go straight through, with the target's own backpressure.
 */
export function keepOpen(target: NodeJS.WritableStream & Writable): Writable {
  const whenDrained = (done: (err?: Error | null) => void): void => {
    if (target.writableLength === 0 || target.destroyed) return done();
    target.once('drain', () => done());
  };
  const out = new Writable({
    highWaterMark: 0,
    write(chunk: Buffer, encoding, done) {
      if (target.write(chunk, encoding)) done();
      else whenDrained(done);
    },
    final: whenDrained,
    destroy(err, done) {
      target.off('error', onError);
      done(err);
    },
  });
  const onError = (err: Error): void => void out.destroy(err);
  target.on('error', onError);
  return out;
}
