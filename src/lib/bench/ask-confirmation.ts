import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { abortedError, DlError, ExitCode } from '../errors/dl-error.js';

export interface ConfirmOptions {
  /** What is about to be destroyed, e.g. "/dev/sdb (SanDisk Ultra, 29.8 GiB)". */
  what: string;
  /** --yes was given. */
  yes: boolean;
  /** Both stdin and stderr are terminals: a person can answer. */
  interactive: boolean;
  input: Readable;
  output: Writable;
  signal: AbortSignal;
}

/**
 * The last word before data is destroyed: --yes, or "yes" typed at a terminal. Without a
 * terminal and without --yes nobody can answer, so the run is refused (exit 77) rather
 * than going ahead.
 */
export async function askConfirmation(opts: ConfirmOptions): Promise<void> {
  if (opts.yes) return;
  if (!opts.interactive) throw notConfirmed(`refusing to overwrite ${opts.what} without confirmation`);
  const rl = createInterface({ input: opts.input, output: opts.output });
  try {
    const answer = await rl.question(`This overwrites data on ${opts.what}.\nType "yes" to go on: `, { signal: opts.signal });
    if (answer.trim().toLowerCase() !== 'yes') throw notConfirmed(`not confirmed: ${opts.what} left alone`);
  } catch (err) {
    throw opts.signal.aborted ? abortedError() : err;
  } finally {
    rl.close();
  }
}

const notConfirmed = (message: string): DlError =>
  new DlError(message, { code: 'DL_ERR_NOT_CONFIRMED', exitCode: ExitCode.REFUSED, hint: 'answer "yes" at a terminal, or add --yes' });
