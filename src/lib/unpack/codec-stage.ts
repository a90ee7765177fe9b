import { DlError, ExitCode } from '../errors/dl-error.js';
import type { BufferRecycler } from '../streams/buffer-recycler.js';
import { bzip2Stage } from './bzip2-stage.js';
import { DecodePool } from './decode-pool.js';
import type { Compression } from './formats.js';
import { gzipCodec } from './gzip-codec.js';
import { nativeDecodeStage } from './native-decoder.js';
import type { Stage } from './stage.js';
import { CodecFailure, transformStage } from './transform-stage.js';
import { decodeXz } from './xz/xz-decoder.js';
import { zstdStage } from './zstd-stage.js';

export interface CodecOptions {
  /** Worker threads for bzip2 blocks (default: one per core, for this stage only). */
  pool?: DecodePool;
  /** Where the decoders (but gzip's) take output buffers, given back once written. */
  output?: BufferRecycler;
  /** Given each input chunk once it is decoded or copied, for the next read to fill. */
  input?: BufferRecycler;
}

type Make = (pool: () => DecodePool, opts: CodecOptions) => Stage;

const STAGES: Record<Compression, Make> = {
  gzip: () => transformStage(gzipCodec),
  xz: (_, o) => nativeDecodeStage('xz', o) ?? ((source) => decodeXz(source)),
  zstd: (_, o) => nativeDecodeStage('zstd', o) ?? zstdStage(),
  bzip2: (pool, o) => bzip2Stage(pool(), o),
};

/** Turns a codec failure into the integrity error users see: format, offset, reason. */
function corruptInputError(format: Compression, f: CodecFailure): DlError {
  return new DlError(`${format} input is corrupt or truncated at byte ${f.offset}: ${f.reason}`, {
    code: 'DL_ERR_CORRUPT',
    exitCode: ExitCode.INTEGRITY,
    hint: 'the input is damaged or incomplete: fetch it again (and check its digest)',
    details: { format, offset: f.offset },
    cause: f,
  });
}

/**
 * The decoding stage for one compression, raising DL_ERR_CORRUPT (exit 65) on bad input.
 * bzip2 decodes blocks on the pool's workers; without one, a pool of one worker per core
 * is made for this stage and closed when it ends. xz and zstd use the system's libraries
 * (liblzma's own threads for xz) when the addon was built, else lzma-native and zstd-napi.
 */
export function codecStage(format: Compression, codec: CodecOptions = {}): Stage {
  return async function* (source, opts) {
    let own: DecodePool | undefined;
    try {
      yield* STAGES[format](() => codec.pool ?? (own = new DecodePool()), codec)(source, opts);
    } catch (e) {
      throw e instanceof CodecFailure ? corruptInputError(format, e) : e;
    } finally {
      await own?.close();
    }
  };
}
