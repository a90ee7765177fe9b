import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askConfirmation, type Confirmation } from '../../src/cli/ask-confirmation.js';
import { memoryIo } from './memory-io.js';

const QUESTION: Omit<Confirmation, 'yes'> = {
  prompt: () => 'Type "yes" to go on: ',
  refused: 'nobody to ask',
  declined: 'not confirmed',
  hint: 'add --yes',
};

/** An Io on a terminal (or not) whose stdin carries `typed`. */
function terminal(typed: string | null, tty = true, signal?: AbortSignal) {
  const m = memoryIo({ signal });
  const stdin = new PassThrough();
  if (typed !== null) stdin.end(typed);
  m.io.stdin = stdin;
  m.io.isTTY = { stdin: tty, stdout: tty, stderr: tty };
  return m;
}

const refusal = (message: string) => ({ message, code: 'DL_ERR_NOT_CONFIRMED', exitCode: 77, hint: 'add --yes' });

describe('askConfirmation', () => {
  it('--yes goes on without asking', async () => {
    const m = terminal(null, false);
    await askConfirmation(m.io, m.io.signal, { ...QUESTION, yes: true });
    expect(m.stderr()).toBe('');
  });

  it.each([
    ['no terminal', terminal('yes\n', false), false],
    ['stdin carrying data', terminal('yes\n'), true],
  ])('refuses with 77 and asks nothing: %s', async (_, m, stdinIsData) => {
    await expect(askConfirmation(m.io, m.io.signal, { ...QUESTION, yes: false, stdinIsData })).rejects.toMatchObject(refusal('nobody to ask'));
    expect(m.stderr()).toBe('');
  });

  it.each([['yes\n'], [' YES \n'], ['yes\nmore\n']])('goes on after %j', async (typed) => {
    const m = terminal(typed);
    await askConfirmation(m.io, m.io.signal, { ...QUESTION, yes: false });
    expect(m.stderr()).toBe('Type "yes" to go on: ');
  });

  it.each([['no\n'], ['y\n'], ['\n'], ['']])('declines %j (end of input too)', async (typed) => {
    const m = terminal(typed);
    await expect(askConfirmation(m.io, m.io.signal, { ...QUESTION, yes: false })).rejects.toMatchObject(refusal('not confirmed'));
  });

  it('an abort while waiting ends the run as interrupted', async () => {
    const controller = new AbortController();
    const m = terminal(null, true, controller.signal);
    const asked = askConfirmation(m.io, controller.signal, { ...QUESTION, yes: false });
    controller.abort();
    await expect(asked).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED' });
  });
});
