import { DlError, ExitCode } from '../errors/dl-error.js';

/** A tar that node-tar rejected; `offset` is the input byte reached, when it is known. */
export function corruptTar(message: string, cause: unknown, offset?: number): DlError {
  const near = offset === undefined ? '' : ` near byte ${offset}`;
  return new DlError(`tar archive is corrupt or truncated${near}: ${message}`, {
    code: 'DL_ERR_CORRUPT',
    exitCode: ExitCode.INTEGRITY,
    hint: 'the archive is damaged or incomplete: fetch it again (and check its digest)',
    details: offset === undefined ? { format: 'tar' } : { format: 'tar', offset },
    cause,
  });
}
