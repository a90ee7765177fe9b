import type { Readable, Writable } from 'node:stream';

/**
 * Everything a command may touch of its process, passed in so tests call run() directly.
 * Only src/cli/process-io.ts builds one from the real process.
 */
export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  /**
   * A path that opens standard input's pipe once more, when stdin is an anonymous pipe:
   * reads from it go into the command's own (recycled) buffers instead of a new Buffer per
   * chunk. Unset for terminals, files, sockets and named FIFOs (opening one of those again
   * would start at offset 0, fail, or wait for a new writer).
   */
  stdinPipe?: string;
  /** stdout is a pipe or socket (the next stage reads it), not a terminal or a file. */
  stdoutIsPipe?: boolean;
  /** A chunk written to stdout is not referenced once its write callback ran (a real
   * descriptor), so its buffer may be filled again; not so for a PassThrough in tests. */
  stdoutReleasesChunks?: boolean;
  /** Terminal width of stderr when it is a terminal. */
  columns?: number;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM; stages stop, save checkpoints and clean up. */
  signal: AbortSignal;
}

export type CommandRun = (argv: string[], io: Io) => Promise<number>;
