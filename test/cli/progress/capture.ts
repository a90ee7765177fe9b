import { Readable, Writable } from 'node:stream';
import type { Io } from '../../../src/cli/io.js';

/** A Writable that keeps each write, as a stand-in for a terminal or log file. */
export function capture(): { out: Writable; writes: string[]; text: () => string } {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      writes.push(chunk.toString());
      cb();
    },
  });
  return { out, writes, text: () => writes.join('') };
}

export function testIo(over: { stderrTTY?: boolean; stdoutTTY?: boolean; stdoutIsPipe?: boolean; env?: Record<string, string>; columns?: number } = {}) {
  const stderr = capture();
  const stdout = capture();
  const io: Io = {
    stdin: Readable.from([]),
    stdout: stdout.out,
    stderr: stderr.out,
    env: over.env ?? {},
    isTTY: { stdin: false, stdout: over.stdoutTTY ?? false, stderr: over.stderrTTY ?? false },
    stdoutIsPipe: over.stdoutIsPipe,
    columns: over.columns,
    cwd: process.cwd(),
    signal: new AbortController().signal,
  };
  return { io, stderr, stdout };
}

export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
