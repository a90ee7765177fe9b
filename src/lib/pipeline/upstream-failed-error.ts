import { DlError, ExitCode } from '../errors/dl-error.js';

/** This stage's input was cut short because a stage before it in the pipeline failed. */
export const upstreamFailedError = (): DlError =>
  new DlError('input incomplete: a stage before this one in the pipeline failed', {
    code: 'DL_ERR_UPSTREAM_FAILED',
    exitCode: ExitCode.INTEGRITY,
    hint: 'a stage before this one failed; see its message',
  });

export const isUpstreamFailure = (err: unknown): boolean => err instanceof DlError && err.code === 'DL_ERR_UPSTREAM_FAILED';
