import { DlError, ExitCode } from '../errors/dl-error.js';
import type { ArchiveWarning } from './entry-info.js';

/** --strict turns a refused entry into this (exit 77). */
export function unsafeEntryError(w: ArchiveWarning): DlError {
  return new DlError(`refused ${JSON.stringify(w.name)}: ${w.message}`, {
    code: 'DL_ERR_UNSAFE_ENTRY',
    exitCode: ExitCode.REFUSED,
    hint: 'the archive holds entries that would land outside the directory or replace files; drop --strict to skip them with a warning',
    details: { name: w.name, reason: w.code },
  });
}
