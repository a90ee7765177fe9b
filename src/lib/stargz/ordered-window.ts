/**
 * Runs `work` on up to `width` items at once and yields the results in item order: reads
 * go out in parallel while the consumer still sees a file's bytes front to back. At most
 * `width` results are held. Stopping early (break, throw) aborts the work still running.
 */
export async function* orderedWindow<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const pending: Promise<R>[] = [];
  let next = 0;
  const launch = (): void => {
    const p = work(items[next++]!, stop.signal);
    // Awaited in order below; this only keeps a failure that is not awaited yet from
    // counting as unhandled.
    p.catch(() => undefined);
    pending.push(p);
  };
  try {
    while (next < items.length && pending.length < width) launch();
    while (pending.length > 0) {
      const result = await pending.shift()!;
      if (next < items.length) launch();
      yield result;
    }
  } finally {
    stop.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}
