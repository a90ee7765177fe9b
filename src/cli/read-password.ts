import type { Readable } from 'node:stream';
import type { ReadStream } from 'node:tty';
import { abortedError } from '../lib/errors/dl-error.js';
import type { Io } from './io.js';

/** `--password-stdin`: all of stdin, less one trailing newline (as `docker login` reads it). */
export async function readPasswordStdin(stdin: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stdin) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Asks for a password on the terminal without echoing it: the terminal is put in raw
 * mode, so the line editing a cooked terminal would do (backspace, Ctrl-U, Ctrl-C,
 * Ctrl-D) is done here. The caller has checked that stdin is a terminal.
 */
export async function promptPassword(io: Io, prompt: string): Promise<string> {
  const tty = io.stdin as Partial<ReadStream>;
  io.stderr.write(prompt);
  tty.setRawMode?.(true);
  let password = '';
  try {
    for await (const chunk of io.stdin) {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\x04') return password;
        if (ch === '\x03') throw abortedError();
        if (ch === '\x7f' || ch === '\b') password = password.slice(0, -1);
        else if (ch === '\x15') password = '';
        else if (ch >= ' ') password += ch;
      }
    }
    return password;
  } finally {
    tty.setRawMode?.(false);
    io.stdin.pause();
    io.stderr.write('\n');
  }
}
