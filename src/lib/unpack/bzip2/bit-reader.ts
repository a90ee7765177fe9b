/** Thrown when a block runs past the bytes buffered so far; the caller waits for more. */
export class NeedInput extends Error {}

/** Thrown for input that is not valid bzip2; `offset` is the byte where it was noticed. */
export class Bzip2Error extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** MSB-first bit reader over one buffer (bzip2 packs bits big-endian). */
export class BitReader {
  pos = 0;
  private acc = 0;
  private bits = 0;

  constructor(
    private readonly buf: Uint8Array,
    /** Absolute input offset of buf[0], for error messages. */
    readonly base: number,
    startBit = 0,
  ) {
    this.pos = startBit >>> 3;
    if (startBit & 7) this.read(startBit & 7);
  }

  /** Bits consumed from buf[0]; where the next reader over the same bytes starts. */
  get bitPos(): number {
    return this.pos * 8 - this.bits;
  }

  /** Up to 24 bits. */
  read(n: number): number {
    const v = this.peek(n);
    this.skip(n);
    return v;
  }

  /** The next n (≤ 24) bits without consuming them, zero-filled past the buffered input. */
  peek(n: number): number {
    while (this.bits < n) {
      const byte = this.pos < this.buf.length ? this.buf[this.pos]! : 0;
      this.acc = ((this.acc << 8) | byte) >>> 0;
      this.pos++;
      this.bits += 8;
    }
    return (this.acc >>> (this.bits - n)) & ((1 << n) - 1);
  }

  /** Drops n peeked bits; NeedInput if that went past the buffered input. */
  skip(n: number): void {
    this.bits -= n;
    if (this.pos > this.buf.length && this.pos * 8 - this.bits > this.buf.length * 8) throw new NeedInput();
  }

  read32(): number {
    return ((this.read(16) << 16) | this.read(16)) >>> 0;
  }

  /** Bytes consumed, counting whole bytes still held in the accumulator as unread. */
  get bytePos(): number {
    return this.pos - Math.floor(this.bits / 8);
  }

  get offset(): number {
    return this.base + this.bytePos;
  }

  fail(message: string): Bzip2Error {
    return new Bzip2Error(message, this.offset);
  }
}
