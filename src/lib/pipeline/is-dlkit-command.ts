import { basename } from 'node:path';
import { procLink, procText, statusField } from './read-proc.js';

// A dlkit launcher by name: the installed bin (dl-get), bin/dl-get.js, a built dl-get.mjs.
const LAUNCHER = /^(?:dl|stargz)-[a-z]+(?:-[a-z]+)*(?:\.[cm]?js)?$/;
// dl-progress draws the other stages' events: it must stay up to show their failure.
const DISPLAYS = new Set(['dl-progress']);

/**
 * The dlkit command an argv runs: its script (the first argument after the program that
 * is not an option) is a dlkit launcher. Also true of the sh wrapper that is about to
 * exec node on one.
 */
export function dlkitCommandOf(argv: readonly string[]): string | undefined {
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  const name = script === undefined ? '' : basename(script);
  const command = LAUNCHER.test(name) ? name.replace(/\.[cm]?js$/, '') : undefined;
  return command !== undefined && !DISPLAYS.has(command) ? command : undefined;
}

/**
 * What a process is to a notifier sending `signal`: `ready` when it is a dlkit command
 * run by node that catches the signal (so the signal cannot kill it), `starting` when it
 * names one but is not there yet (a wrapper before its exec, node still loading), else
 * `other`, never to be signalled.
 */
export type ReaderState = 'ready' | 'starting' | 'other';

export function readerState(procRoot: string, pid: number, signal: number): ReaderState {
  const argv = procText(`${procRoot}/${pid}/cmdline`)?.split('\0').slice(0, -1) ?? [];
  if (dlkitCommandOf(argv) === undefined) return 'other';
  const exe = procLink(`${procRoot}/${pid}/exe`);
  const caught = statusField(procRoot, pid, 'SigCgt')?.[0];
  const catches = caught !== undefined && /^[0-9a-f]+$/i.test(caught) && ((BigInt(`0x${caught}`) >> BigInt(signal - 1)) & 1n) === 1n;
  return exe !== undefined && basename(exe).startsWith('node') && catches ? 'ready' : 'starting';
}
