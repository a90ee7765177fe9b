import type { Readable } from 'node:stream';
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { abortedError, ExitCode, isDlError } from '../lib/errors/dl-error.js';
import type { CommandRun, Io } from './io.js';
import { keepOpen } from './keep-open.js';

/**
 * Runs a command against the real process. The exit status goes through
 * process.exitCode, never process.exit, so output still queued for a pipe is not cut.
 */
export function runMain(run: CommandRun): void {
  const proc = createProcessIo();
  void run(process.argv.slice(2), proc.io)
    .then((code) => {
      process.exitCode = code;
    })
    .finally(proc.dispose);
}

export interface ProcessIo {
  io: Io;
  /** Removes the signal handlers and lets go of stdin, so the process can end. */
  dispose: () => void;
}

/**
 * The Io of the real process. First SIGINT/SIGTERM: the signal aborts with an
 * "interrupted" DlError (stages save checkpoints, clean up; exit 130). A second one:
 * exit 130 at once. EPIPE on stdout (`| head`): the signal aborts with that EPIPE, which
 * the edge reports as a quiet exit 0. Stream errors never become unhandled 'error' events.
 */
export function createProcessIo(): ProcessIo {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    controller.abort(abortedError());
  };
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    // A DlError here was handed to stdout.destroy() by a failing pipeline, which reports
    // it itself; only stdout's own failures (EPIPE, EIO) stop the command.
    if (!controller.signal.aborted && !isDlError(err)) controller.abort(err);
  };
  // Nowhere left to report a broken stderr; failing the command over it helps no one.
  const onStderrError = (): void => undefined;
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  process.stdout.on('error', onStdoutError);
  process.stderr.on('error', onStderrError);
  let stdin: Readable | undefined;
  const io: Io = {
    // Lazy: touching process.stdin opens it, and an unread terminal would hold the process.
    get stdin() {
      return (stdin ??= process.stdin);
    },
    stdout: keepOpen(process.stdout),
    stderr: process.stderr,
    env: process.env,
    isTTY: { stdin: isatty(0), stdout: isatty(1), stderr: isatty(2) },
    stdoutIsPipe: isPipe(1),
    columns: process.stderr.isTTY ? process.stderr.columns : undefined,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  const dispose = (): void => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    stdin?.destroy();
  };
  return { io, dispose };
}

function isPipe(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}
