/**
 * Compressed input buffered from an async source, read by byte counts: parsers peek at a
 * header, then take whole units (an xz block) by copying them out once. `offset` is the
 * absolute input offset of the first unread byte, for error messages.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Unread bytes buffered. */
  length = 0;
  offset = 0;
  eof = false;

  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** Buffers at least n unread bytes; false when the input ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.eof) {
      const r = await this.it.next();
      if (r.done) this.eof = true;
      else if (r.value.length > 0) (this.chunks.push(r.value), (this.length += r.value.length));
    }
    return this.length >= n;
  }

  /** The first n buffered bytes as one Buffer (joined once when they span chunks). */
  peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks.splice(0, this.chunks.length, Buffer.concat(this.chunks));
    return this.chunks[0]!.subarray(0, n);
  }

  /** Moves the next n buffered bytes into dst at `at`. */
  takeInto(dst: Uint8Array, at: number, n: number): void {
    for (let left = n; left > 0; ) {
      const c = this.chunks[0]!;
      const k = Math.min(left, c.length);
      dst.set(c.subarray(0, k), at + n - left);
      left -= k;
      this.skipHead(k);
    }
  }

  skip(n: number): void {
    for (let left = n; left > 0; ) {
      const k = Math.min(left, this.chunks[0]!.length);
      this.skipHead(k);
      left -= k;
    }
  }

  /** Up to n bytes, as they arrive (for a unit too large to buffer whole). */
  async *take(n: number): AsyncGenerator<Buffer> {
    for (let left = n; left > 0; ) {
      if (this.length === 0 && !(await this.fill(1))) return;
      const c = this.chunks[0]!.subarray(0, left);
      this.skipHead(c.length);
      left -= c.length;
      yield c;
    }
  }

  /** Everything not read yet: what is buffered, then the rest of the source. */
  async *rest(): AsyncGenerator<Buffer> {
    while (this.length > 0 || (await this.fill(1))) yield* this.take(this.length);
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }

  private skipHead(k: number): void {
    const c = this.chunks[0]!;
    if (k === c.length) this.chunks.shift();
    else this.chunks[0] = c.subarray(k);
    this.length -= k;
    this.offset += k;
  }
}
