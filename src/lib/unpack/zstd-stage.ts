import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';
import { OUTPUT_CHUNK, type Stage } from './stage.js';
import { CodecFailure, transformStage } from './transform-stage.js';

/**
 * zstd: node:zlib has it from Node 22.15 (a zlib stream, backpressure included); before
 * that the zstd-napi binding, driven here directly because its DecompressStream pushes
 * a whole chunk's output at once, ignoring backpressure (a bomb would fill memory).
 * Both decode multi-frame input and skip skippable frames.
 */
interface DCtx {
  /** [hint (0 = frame done), bytes produced, bytes consumed] */
  decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number];
}


function napiStage(DCtxClass: new () => DCtx): Stage {
  return async function* (source) {
    const dctx = new DCtxClass();
    let offset = 0;
    let inFrame = false;
    // Replaced only once yielded: a call that buffers input and produces nothing reuses it.
    let dst = Buffer.allocUnsafe(OUTPUT_CHUNK);
    for await (const chunk of source) {
      for (let src = chunk; ; ) {
        let r: [number, number, number];
        try {
          r = dctx.decompressStream(dst, src);
        } catch (e) {
          throw new CodecFailure(offset, e instanceof Error ? e.message : String(e));
        }
        const [hint, produced, consumed] = r;
        // A call that did nothing reports the next frame's header size: not "mid-frame".
        if (produced > 0 || consumed > 0) inFrame = hint !== 0;
        offset += consumed;
        src = src.subarray(consumed);
        if (produced > 0) {
          yield dst.subarray(0, produced);
          dst = Buffer.allocUnsafe(OUTPUT_CHUNK);
        }
        if (src.length === 0 && produced < OUTPUT_CHUNK) break;
      }
    }
    if (inFrame) throw new CodecFailure(offset, 'unexpected end of input');
  };
}

let stage: (() => Stage) | undefined;

function pickStage(): () => Stage {
  const native = (zlib as unknown as { createZstdDecompress?: (o?: object) => Transform & { bytesWritten: number } })
    .createZstdDecompress;
  if (native) {
    return () =>
      transformStage(() => {
        const stream = native({ chunkSize: OUTPUT_CHUNK });
        return { stream, consumed: () => stream.bytesWritten };
      });
  }
  const binding = createRequire(import.meta.url)('zstd-napi/binding') as { DCtx: new () => DCtx };
  return () => napiStage(binding.DCtx);
}

export function zstdStage(): Stage {
  stage ??= pickStage();
  return stage();
}
