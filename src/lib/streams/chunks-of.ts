import { finished, type Readable } from 'node:stream';

/**
 * A Readable's chunks one by one, as they arrive. The stream's own async iterator reads
 * with read(), which joins whatever is buffered into one new Buffer: a second copy of the
 * bytes whenever the consumer lags the source. Here at most `high` chunks wait (then the
 * stream is paused) and each is handed on as it came. Ends, and fails, as the stream's own
 * iterator does (finished() decides); leaving early destroys the stream.
 */
export async function* chunksOf(stream: Readable, high = 16): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    if (queue.length >= high) stream.pause();
    notify();
  };
  const stopWatching = finished(stream, { writable: false }, (err) => {
    done = true;
    failure = err;
    notify();
  });
  stream.on('data', onData);
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        if (queue.length < high / 4 && stream.isPaused()) stream.resume();
        yield chunk;
      } else if (done) {
        if (failure) throw failure;
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    stream.off('data', onData);
    // Destroyed early, a stream may still emit an error (undici's body does: "Request
    // aborted"); finished() stays on to take it, as the stream's own iterator does.
    if (stream.readableEnded) stopWatching();
    else if (!stream.destroyed) stream.destroy();
  }
}
