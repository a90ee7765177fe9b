import { DlError, ExitCode } from '../errors/dl-error.js';
import type { Stage } from './stage.js';

/** The --max-size cap: a decompression bomb stops here before it fills the disk. */
export function maxSizeError(limit: number): DlError {
  return new DlError(`output exceeds the --max-size limit of ${limit} bytes`, {
    code: 'DL_ERR_TOO_LARGE',
    exitCode: ExitCode.INTEGRITY,
    hint: 'the input expands beyond the limit (a decompression bomb?); raise --max-size if it is expected',
    details: { limit },
  });
}

export function limitStage(limit: number): Stage {
  return async function* (source) {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > limit) throw maxSizeError(limit);
      yield chunk;
    }
  };
}
