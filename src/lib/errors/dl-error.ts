/**
 * Exit codes shared by every command (sysexits). Library code never exits; it throws
 * DlError carrying one of these, and the CLI edge turns it into process.exitCode.
 */
export const ExitCode = {
  OK: 0,
  OTHER: 1,
  USAGE: 64,
  INTEGRITY: 65,
  NO_INPUT: 66,
  UNAVAILABLE: 69,
  CANT_CREATE: 73,
  IO: 74,
  TEMP_FAIL: 75,
  REFUSED: 77,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface DlErrorOptions {
  code: `DL_ERR_${string}`;
  exitCode: ExitCode;
  /** What the user should do next; printed after the message. */
  hint?: string;
  /** True when trying again may succeed (network errors, 5xx, 429). */
  retryable?: boolean;
  cause?: unknown;
  /** Extra machine-readable facts (offset, status, path) for events. */
  details?: Record<string, unknown>;
}

/** The one error type callers match on by `code`. Messages are already redacted. */
export class DlError extends Error {
  readonly code: `DL_ERR_${string}`;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, opts: DlErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DlError';
    this.code = opts.code;
    this.exitCode = opts.exitCode;
    this.hint = opts.hint;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}

export const isDlError = (e: unknown): e is DlError => e instanceof DlError;

export const usageError = (message: string, hint?: string): DlError =>
  new DlError(message, { code: 'DL_ERR_USAGE', exitCode: ExitCode.USAGE, hint });

export const integrityError = (message: string, details?: Record<string, unknown>, hint?: string): DlError =>
  new DlError(message, { code: 'DL_ERR_INTEGRITY', exitCode: ExitCode.INTEGRITY, details, hint });

export const abortedError = (): DlError =>
  new DlError('interrupted', {
    code: 'DL_ERR_INTERRUPTED',
    exitCode: ExitCode.INTERRUPTED,
    hint: 'run the same command again to resume',
  });
