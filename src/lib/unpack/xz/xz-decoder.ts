import { createRequire } from 'node:module';
import { CodecFailure, Pieces } from '../transform-stage.js';

/**
 * liblzma through lzma-native's binding, driven synchronously a bounded piece at a time:
 * its Transform pushes all output of a written chunk at once and hops through the thread
 * pool per chunk, so neither memory nor speed held. LZMA_CONCATENATED makes liblzma
 * decode multi-stream input and the padding between streams, as `xz -dc` does.
 */
interface NativeStream {
  streamDecoder(options: { flags: number }): void;
  setBufsize(n: number): number;
  /** Sync when the second argument is false: bufferHandler runs before it returns. */
  code(chunk: Buffer | null, async: boolean): void;
  resetUnderlying(): void;
  bufferHandler: (buf: Buffer | null | undefined, processed: unknown, err: Error | null | undefined, totalIn: number | null) => void;
}

interface LzmaNative {
  Stream: new () => NativeStream;
  CONCATENATED: number;
}

let lzma: LzmaNative | undefined;

class XzDecoder {
  private out: Buffer[] = [];
  private error: Error | undefined;
  totalIn = 0;
  private readonly native: NativeStream;

  constructor(
    lz: LzmaNative,
    private readonly base: number,
  ) {
    this.native = new lz.Stream();
    this.native.streamDecoder({ flags: lz.CONCATENATED });
    this.native.setBufsize(256 * 1024);
    this.native.bufferHandler = (buf, _processed, err, totalIn) => {
      if (totalIn !== null) this.totalIn = totalIn;
      if (err) this.error = err;
      else if (buf) this.out.push(buf);
    };
  }

  /** Feeds a piece (null: end of input) and returns what it decoded. */
  code(piece: Buffer | null, fedBefore: number): Buffer[] {
    this.native.code(piece, false);
    const out = this.out;
    this.out = [];
    if (this.error) {
      const truncated = piece === null && /no progress/i.test(this.error.message);
      throw new CodecFailure(this.base + Math.min(this.totalIn, fedBefore), truncated ? 'unexpected end of input' : this.error.message);
    }
    return out;
  }

  close(): void {
    this.native.resetUnderlying();
  }
}

/**
 * Decodes .xz input (one stream or several) from `source`; failures name the offset
 * as `base` plus the bytes of `source` liblzma had consumed.
 */
export async function* decodeXz(source: AsyncIterable<Buffer> | Iterable<Buffer>, base = 0): AsyncGenerator<Buffer> {
  lzma ??= createRequire(import.meta.url)('lzma-native') as LzmaNative;
  const dec = new XzDecoder(lzma, base);
  const pieces = new Pieces();
  try {
    for await (const chunk of source) {
      for (const piece of pieces.cut(chunk)) {
        for (const b of dec.code(piece, pieces.fed)) {
          pieces.produced += b.length;
          yield b;
        }
      }
    }
    yield* dec.code(null, pieces.fed);
  } finally {
    dec.close();
  }
}
