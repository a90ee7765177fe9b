import { setTimeout as sleep } from 'node:timers/promises';
import { readerState } from './is-dlkit-command.js';
import { pipeOf, pipeReaders } from './pipe-readers.js';

export interface NotifyOptions {
  procRoot: string;
  /** The failing process, and the descriptor (its stdout) the next stage reads. */
  pid: number;
  fd: number;
  uid: number;
  /** The signal's number (SIGUSR2), and how to send it (process.kill). */
  signal: number;
  kill: (pid: number) => void;
  /** How long to wait for a reader that is still starting; default 3 s. */
  waitMs?: number;
  pollMs?: number;
}

/**
 * Tells the dlkit commands reading a failed stage's stdout that their input is bad: a
 * pipe carries only bytes and EOF, so a signal does. Only processes of the same user,
 * reading that very pipe, running a dlkit command that already catches the signal are
 * sent it; one still starting is waited for, up to waitMs. Resolves with the pids told.
 */
export async function notifyPipeReaders(o: NotifyOptions): Promise<number[]> {
  const pipe = pipeOf(o.procRoot, o.pid, o.fd);
  if (pipe === undefined) return [];
  const told = new Set<number>();
  const deadline = Date.now() + (o.waitMs ?? 3000);
  for (;;) {
    let starting = false;
    for (const pid of pipeReaders(o, pipe, o.pid).filter((p) => !told.has(p))) {
      const state = readerState(o.procRoot, pid, o.signal);
      if (state === 'ready') tell(o, pid, told);
      starting ||= state === 'starting';
    }
    if (!starting || Date.now() >= deadline) return [...told];
    await sleep(o.pollMs ?? 50);
  }
}

function tell(o: NotifyOptions, pid: number, told: Set<number>): void {
  try {
    o.kill(pid);
    told.add(pid);
  } catch {
    // Gone since it was read (ESRCH): nothing left to tell.
  }
}
