/**
 * Reads at least `n` bytes (fewer at end of input) from an async source and gives them
 * back with a source that replays them first, so sniffing consumes nothing.
 */
export interface Peeked {
  head: Buffer;
  source: AsyncIterable<Buffer>;
}

export async function peekHead(source: AsyncIterable<Buffer>, n: number): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      // A consumer that stops early (| head) closes the underlying source too.
      await it.return?.();
    }
  }
  return { head, source: replay() };
}
