import { PassThrough } from 'node:stream';
import type { Io } from '../../src/cli/io.js';

export interface MemoryIo {
  io: Io;
  stdout: () => string;
  stderr: () => string;
}

/** An Io over in-memory streams, for calling a command's run() in process. */
export function memoryIo(opts: { env?: Record<string, string | undefined>; cwd?: string; signal?: AbortSignal } = {}): MemoryIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const io: Io = {
    stdin: new PassThrough().end(),
    stdout,
    stderr,
    env: opts.env ?? {},
    isTTY: { stdin: false, stdout: false, stderr: false },
    cwd: opts.cwd ?? process.cwd(),
    signal: opts.signal ?? new AbortController().signal,
  };
  return { io, stdout: () => Buffer.concat(out).toString(), stderr: () => Buffer.concat(err).toString() };
}
