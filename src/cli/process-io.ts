import type { Readable } from 'node:stream';
import { fstatSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { abortedError, ExitCode, isDlError } from '../lib/errors/dl-error.js';
import { notifyPipeReaders } from '../lib/pipeline/notify-pipe-readers.js';
import { upstreamFailedError } from '../lib/pipeline/upstream-failed-error.js';
import type { CommandRun, Io } from './io.js';
import { keepOpen } from './keep-open.js';

/**
 * Runs a command against the real process. The exit status goes through
 * process.exitCode, never process.exit, so output still queued for a pipe is not cut.
 * A failure with stdout a pipe is told to the dlkit stages reading it (SIGUSR2), before
 * this process exits and they see a clean end of input.
 */
export function runMain(run: CommandRun): void {
  const proc = createProcessIo();
  void run(process.argv.slice(2), proc.io)
    .then(async (code) => {
      if (code !== ExitCode.OK && proc.io.stdoutIsPipe) await tellReaders();
      process.exitCode = code;
    })
    .finally(proc.dispose);
}

const tellReaders = (): Promise<unknown> =>
  notifyPipeReaders({
    procRoot: '/proc',
    pid: process.pid,
    fd: 1,
    uid: process.getuid?.() ?? -1,
    signal: constants.signals.SIGUSR2,
    kill: (pid) => process.kill(pid, 'SIGUSR2'),
  }).catch(() => undefined);

export interface ProcessIo {
  io: Io;
  /** Removes the signal handlers and lets go of stdin, so the process can end. */
  dispose: () => void;
}

/**
 * The Io of the real process. First SIGINT/SIGTERM: the signal aborts with an
 * "interrupted" DlError (stages save checkpoints, clean up; exit 130). A second one:
 * exit 130 at once. EPIPE on stdout (`| head`): the signal aborts with that EPIPE, which
 * the edge reports as a quiet exit 0. SIGUSR2, from a failing stage before this one in a
 * pipeline: the signal aborts with DL_ERR_UPSTREAM_FAILED (65). Stream errors never
 * become unhandled 'error' events.
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
  const onUpstreamFailed = (): void => {
    if (!controller.signal.aborted) controller.abort(upstreamFailedError());
  };
  // Nowhere left to report a broken stderr; failing the command over it helps no one.
  const onStderrError = (): void => undefined;
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('SIGUSR2', onUpstreamFailed);
  process.stdout.on('error', onStdoutError);
  const stdout = keepOpen(process.stdout).on('error', onStdoutError);
  process.stderr.on('error', onStderrError);
  let stdin: Readable | undefined;
  const io: Io = {
    // Lazy: touching process.stdin opens it, and an unread terminal would hold the process.
    get stdin() {
      return (stdin ??= process.stdin);
    },
    stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: { stdin: isatty(0), stdout: isatty(1), stderr: isatty(2) },
    stdinPipe: anonymousPipe(0),
    stdoutIsPipe: isPipe(1),
    // Linux writes stdout pipes, files and terminals synchronously: the callback comes
    // once the kernel has the bytes (see keepOpen).
    stdoutReleasesChunks: true,
    columns: process.stderr.isTTY ? process.stderr.columns : undefined,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  const dispose = (): void => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal).off('SIGUSR2', onUpstreamFailed);
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

/** /proc/self/fd/N when descriptor N is an anonymous pipe (its link reads `pipe:[inode]`). */
function anonymousPipe(fd: number): string | undefined {
  const path = `/proc/self/fd/${fd}`;
  try {
    return readlinkSync(path).startsWith('pipe:') ? path : undefined;
  } catch {
    return undefined;
  }
}
