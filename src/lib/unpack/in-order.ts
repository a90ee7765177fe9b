/**
 * One unit of decoded output: its bytes, or the bytes of a job already running on a
 * worker. An exclusive job reads its own input as it is iterated, so nothing after it
 * can be parsed until it has finished.
 */
export interface OrderedJob {
  output: AsyncIterable<Buffer>;
  exclusive?: boolean;
}

/** Output of a job started now, awaited in turn; its failure is held until then. */
export function started(result: Promise<Buffer>): OrderedJob {
  const settled = result.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return {
    output: (async function* () {
      const r = await settled;
      if ('error' in r) throw r.error;
      yield r.value;
    })(),
  };
}

/**
 * Pulls jobs ahead (at most `window` waiting) so that workers decode while earlier
 * output is written, and yields their output in input order. A failure while parsing
 * ahead is raised after the output of every job before it, as a sequential decoder would.
 */
export async function* inOrder(jobs: AsyncIterable<OrderedJob>, window: number): AsyncGenerator<Buffer> {
  const it = jobs[Symbol.asyncIterator]();
  const queue: OrderedJob[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  try {
    for (;;) {
      while (!ended && queue.length < window && !queue.at(-1)?.exclusive) {
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
      yield* job.output;
    }
    if (failure) throw failure.error;
  } finally {
    await it.return?.();
  }
}
