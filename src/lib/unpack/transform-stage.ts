import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Stage } from './stage.js';

/** A codec as a Node Transform plus how far into the input it has consumed. */
export interface Codec {
  stream: Transform;
  /** Input bytes the codec has consumed, when it can tell (zlib, liblzma). */
  consumed?: () => number;
}

/** Raised with the input offset at which a codec failed; the caller names the format. */
export class CodecFailure extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/**
 * How much input to hand the codec at once. A codec turns one written chunk into all of
 * its output before it looks at backpressure, so a chunk of a bomb (xz of zeros expands
 * ~7000-fold) would sit in memory whole. Pieces are sized from the ratio seen so far so
 * that one piece yields about PIECE_OUTPUT bytes; small until the ratio is known.
 */
const PIECE_OUTPUT = 16 * 1024 * 1024;
const PIECE_MIN = 1024;
const PIECE_MAX = 256 * 1024;
const RATIO_KNOWN_AFTER = 64 * 1024;

function pieceSize(fed: number, produced: number): number {
  const ratio = fed < RATIO_KNOWN_AFTER ? 8192 : Math.max(1, produced / fed);
  return Math.max(PIECE_MIN, Math.min(PIECE_MAX, Math.floor(PIECE_OUTPUT / ratio)));
}

/** Cuts input into pieces sized by pieceSize; the caller adds what each piece produced. */
export class Pieces {
  fed = 0;
  produced = 0;

  *cut(chunk: Buffer): Generator<Buffer> {
    for (let at = 0; at < chunk.length; ) {
      const piece = chunk.subarray(at, at + pieceSize(this.fed, this.produced));
      at += piece.length;
      this.fed += piece.length;
      yield piece;
    }
  }
}

/**
 * Runs a codec Transform as a Stage. Source errors pass through untouched; errors of
 * the codec become CodecFailure naming the compressed offset reached.
 */
export function transformStage(make: () => Codec): Stage {
  return async function* (source, opts) {
    const codec = make();
    const pieces = new Pieces();
    let sourceError: unknown;
    async function* counted(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of source) yield* pieces.cut(chunk);
      } catch (e) {
        sourceError = e;
        throw e;
      }
    }
    const feeding = pipeline(Readable.from(counted(), { objectMode: false }), codec.stream, {
      signal: opts?.signal,
    }).catch(() => undefined);
    try {
      for await (const chunk of codec.stream) {
        pieces.produced += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } catch (e) {
      if (sourceError !== undefined) throw sourceError;
      if (opts?.signal?.aborted) throw e;
      const offset = Math.min(codec.consumed?.() ?? pieces.fed, pieces.fed);
      throw new CodecFailure(offset, e instanceof Error ? e.message : String(e), { cause: e });
    } finally {
      codec.stream.destroy();
      await feeding;
    }
  };
}
