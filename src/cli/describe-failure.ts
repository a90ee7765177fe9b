import { ExitCode, isDlError } from '../lib/errors/dl-error.js';

/** What the CLI edge reports for a thrown error: exit status, one line, error event. */
export interface Failure {
  exitCode: number;
  /** DL_ERR_… code for the `error` event; Node errors keep their own (ENOENT…). */
  code: string;
  message: string;
  hint?: string;
  /** A reader went away (EPIPE): end quietly, no message, no error event. */
  silent: boolean;
}

interface SystemErrorRule {
  exitCode: ExitCode;
  hint: string;
}

// Node system errors that mean the same thing in every command.
const SYSTEM_ERRORS: Record<string, SystemErrorRule> = {
  ENOENT: { exitCode: ExitCode.NO_INPUT, hint: 'check the path' },
  ENOTDIR: { exitCode: ExitCode.NO_INPUT, hint: 'check the path' },
  EISDIR: { exitCode: ExitCode.NO_INPUT, hint: 'name a file, not a directory' },
  EACCES: { exitCode: ExitCode.REFUSED, hint: 'check the permissions' },
  EPERM: { exitCode: ExitCode.REFUSED, hint: 'check the permissions' },
  ENOSPC: { exitCode: ExitCode.IO, hint: 'free some space and run the command again' },
  EDQUOT: { exitCode: ExitCode.IO, hint: 'free some space and run the command again' },
  EIO: { exitCode: ExitCode.IO, hint: 'check the device and the kernel log' },
  EROFS: { exitCode: ExitCode.IO, hint: 'write to a writable file system' },
};

const INTERRUPTED: Failure = {
  exitCode: ExitCode.INTERRUPTED,
  code: 'DL_ERR_INTERRUPTED',
  message: 'interrupted',
  hint: 'run the same command again to resume',
  silent: false,
};

interface NodeishError extends Error {
  code?: unknown;
  path?: unknown;
  syscall?: unknown;
}

/**
 * Maps anything a handler throws to an exit status and one line. The edge passes the
 * Io signal's reason instead when the signal was aborted: whatever the teardown raised
 * then (premature close, AbortError) reports as the interruption or EPIPE it is.
 */
export function describeFailure(err: unknown): Failure {
  if (isDlError(err)) {
    return { exitCode: err.exitCode, code: err.code, message: err.message, hint: err.hint, silent: false };
  }
  const e = err instanceof Error ? (err as NodeishError) : undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'EPIPE') return { exitCode: ExitCode.OK, code, message: 'broken pipe', silent: true };
  if (e?.name === 'AbortError' || code === 'ABORT_ERR') return INTERRUPTED;
  const rule = code === undefined ? undefined : SYSTEM_ERRORS[code];
  if (e && code && rule) {
    return { exitCode: rule.exitCode, code, message: systemMessage(e, code), hint: rule.hint, silent: false };
  }
  return { exitCode: ExitCode.OTHER, code: code ?? 'DL_ERR_OTHER', message: e ? e.message : String(err), silent: false };
}

/** "ENOENT: no such file or directory, open 'x'" → "x: no such file or directory". */
function systemMessage(e: NodeishError, code: string): string {
  const reason = e.message.replace(`${code}: `, '').replace(/, \w+ '.*'$/, '');
  return typeof e.path === 'string' ? `${e.path}: ${reason}` : reason;
}
