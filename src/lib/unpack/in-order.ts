/**
 * Output of work started now: `first` runs at once (on a worker), `rest` turns its result
 * into output when its turn comes. A failure is held until then.
 */
export function started<T>(first: Promise<T>, rest: (value: T) => AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const settled = first.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return (async function* () {
    const r = await settled;
    if ('error' in r) throw r.error;
    yield* rest(r.value);
  })();
}

/**
 * Pulls jobs ahead (at most `window` waiting) so that workers decode while earlier
 * output is written, and yields their output in input order. A failure while parsing
 * ahead is raised after the output of every job before it, as a sequential decoder would.
 */
export async function* inOrder(jobs: AsyncIterable<AsyncIterable<Buffer>>, window: number): AsyncGenerator<Buffer> {
  const it = jobs[Symbol.asyncIterator]();
  const queue: AsyncIterable<Buffer>[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  try {
    for (;;) {
      while (!ended && queue.length < window) {
        try {
          const r = await it.next();
          if (r.done) ended = true;
          else queue.push(r.value);
        } catch (error) {
          (ended = true), (failure = { error });
        }
      }
      const job = queue.shift();
      if (job === undefined) break;
      yield* job;
    }
    if (failure) throw failure.error;
  } finally {
    await it.return?.();
  }
}
