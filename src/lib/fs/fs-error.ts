import { DlError, ExitCode } from '../errors/dl-error.js';

/** What we were doing to the path; decides whether a missing file is "no input" or "cannot create". */
export type FsAction = 'read' | 'stat' | 'create' | 'write' | 'sync' | 'rename' | 'remove';

const READING: ReadonlySet<FsAction> = new Set(['read', 'stat']);

interface Mapping {
  code: `DL_ERR_${string}`;
  exitCode: ExitCode;
  why: string;
  hint: string;
  retryable?: boolean;
}

function mapping(errno: string | undefined, path: string, action: FsAction): Mapping {
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: 'DL_ERR_NO_SPACE', exitCode: ExitCode.IO, why: 'no space left', hint: `free space on the filesystem holding ${path}, then run again to resume` };
    case 'EIO':
      return { code: 'DL_ERR_IO', exitCode: ExitCode.IO, why: 'input/output error', hint: 'check the drive and the kernel log (dmesg)' };
    case 'EACCES':
    case 'EPERM':
      return { code: 'DL_ERR_PERMISSION', exitCode: ExitCode.REFUSED, why: 'permission denied', hint: `check the permissions of ${path} and its directory` };
    case 'EROFS':
      return { code: 'DL_ERR_CANT_CREATE', exitCode: ExitCode.CANT_CREATE, why: 'read-only filesystem', hint: 'write to a writable filesystem' };
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ENAMETOOLONG':
      return badPath(errno, action);
    case 'EMFILE':
    case 'ENFILE':
      return { code: 'DL_ERR_IO', exitCode: ExitCode.IO, why: 'too many open files', hint: 'lower the concurrency or raise the open-file limit (ulimit -n)', retryable: true };
    default:
      return { code: 'DL_ERR_IO', exitCode: ExitCode.IO, why: errno ?? 'unknown error', hint: 'check the path and the drive' };
  }
}

const PATH_WHY: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'it is a directory',
  ENAMETOOLONG: 'name too long',
};

function badPath(errno: string, action: FsAction): Mapping {
  const why = PATH_WHY[errno] ?? errno;
  return READING.has(action)
    ? { code: 'DL_ERR_NO_INPUT', exitCode: ExitCode.NO_INPUT, why, hint: 'check the path' }
    : { code: 'DL_ERR_CANT_CREATE', exitCode: ExitCode.CANT_CREATE, why, hint: 'check that the directory exists, or choose another output path' };
}

/**
 * Turns a Node fs error into the DlError callers match on; a DlError passes through.
 * The message names the action and the path, the errno goes to details.
 */
export function fsError(err: unknown, path: string, action: FsAction): DlError {
  if (err instanceof DlError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const m = mapping(errno, path, action);
  return new DlError(`cannot ${action} ${path}: ${m.why}`, {
    code: m.code,
    exitCode: m.exitCode,
    hint: m.hint,
    retryable: m.retryable ?? false,
    cause: err,
    details: { path, action, errno },
  });
}

/** True for the errno of a missing file, the one fs failure callers routinely expect. */
export const isNotFound = (err: unknown): boolean => (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
