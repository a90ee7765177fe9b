import { DlError, ExitCode } from '../errors/dl-error.js';
import { bzip2Stage } from './bzip2-stage.js';
import type { Compression } from './formats.js';
import { gzipCodec } from './gzip-codec.js';
import type { Stage } from './stage.js';
import { CodecFailure, transformStage } from './transform-stage.js';
import { xzStage } from './xz-stage.js';
import { zstdStage } from './zstd-stage.js';

const STAGES: Record<Compression, () => Stage> = {
  gzip: () => transformStage(gzipCodec),
  xz: () => xzStage,
  zstd: zstdStage,
  bzip2: () => bzip2Stage,
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

/** The decoding stage for one compression, raising DL_ERR_CORRUPT (exit 65) on bad input. */
export function codecStage(format: Compression): Stage {
  const inner = STAGES[format]();
  return async function* (source, opts) {
    try {
      yield* inner(source, opts);
    } catch (e) {
      throw e instanceof CodecFailure ? corruptInputError(format, e) : e;
    }
  };
}
