import { addAbortSignal, type Readable } from 'node:stream';
import { abortedError, DlError, ExitCode } from '../lib/errors/dl-error.js';
import type { Io } from './io.js';

export interface Confirmation {
  /** --yes was given. */
  yes: boolean;
  /** stdin carries data (an image read from '-'), so nobody can answer on it. */
  stdinIsData?: boolean;
  /** What is about to happen, ending where "yes" is typed; built only when someone can answer. */
  prompt: () => string | Promise<string>;
  /** The refusal when nobody can answer (no terminal on stdin and stderr). */
  refused: string;
  /** The refusal for any answer but "yes". */
  declined: string;
  /** What to do instead, with either refusal. */
  hint: string;
}

/**
 * The last word before data is destroyed: --yes, or "yes" typed at a terminal. Without a
 * terminal and without --yes nobody can answer, so the run is refused (exit 77) rather
 * than going ahead.
 */
export async function askConfirmation(io: Io, signal: AbortSignal, c: Confirmation): Promise<void> {
  if (c.yes) return;
  if (!io.isTTY.stdin || !io.isTTY.stderr || c.stdinIsData) throw notConfirmed(c.refused, c.hint);
  io.stderr.write(await c.prompt());
  const answer = await readLine(io.stdin, signal);
  if (answer.trim().toLowerCase() !== 'yes') throw notConfirmed(c.declined, c.hint);
}

/** The first line typed, '' when input ends first (readline's question would wait forever). */
async function readLine(input: Readable, signal: AbortSignal): Promise<string> {
  let text = '';
  try {
    for await (const chunk of addAbortSignal(signal, input)) {
      text += String(chunk);
      if (text.includes('\n')) break;
    }
  } catch (err) {
    throw signal.aborted ? abortedError() : err;
  }
  return text.split('\n')[0] ?? '';
}

const notConfirmed = (message: string, hint: string): DlError =>
  new DlError(message, { code: 'DL_ERR_NOT_CONFIRMED', exitCode: ExitCode.REFUSED, hint });
