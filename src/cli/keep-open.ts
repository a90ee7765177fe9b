import { Writable } from 'node:stream';

/**
 * The stdout a command writes to: ending it (as `pipeline(…, stdout)` does) waits for the
 * bytes to reach the kernel but never shuts the descriptor down. When stdout is a socket
 * (the stdio socketpair of a parent such as Node's spawn, journald's stream), Node's end()
 * calls shutdown(), which cuts the socket for every process sharing it: in
 * `bash -c 'dl-unpack -l x.tgz; echo done'` bash then died of SIGPIPE at its next write.
 * Writes and errors (EPIPE) go straight through, with the target's own backpressure; the
 * caller listens for 'error' on what this returns, as it would on the target.
 */
export function keepOpen(target: NodeJS.WritableStream & Writable): Writable {
  const out = new Writable({
    highWaterMark: 0,
    // Done when the target's own write is done (Node writes stdout pipes synchronously on
    // Linux, so: the kernel has the bytes): a producer may then reuse the buffer.
    write(chunk: Buffer, encoding, done) {
      target.write(chunk, encoding, () => done());
    },
    // 'drain' comes only after a write that returned false; an empty write's callback
    // runs once everything before it has been handed to the kernel.
    final(done) {
      if (target.writableLength === 0 || target.destroyed) done();
      else target.write(Buffer.alloc(0), () => done());
    },
    destroy(err, done) {
      target.off('error', onError);
      done(err);
    },
  });
  const onError = (err: Error): void => void out.destroy(err);
  target.on('error', onError);
  return out;
}
