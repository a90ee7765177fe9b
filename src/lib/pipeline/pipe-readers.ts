import { procDir, procLink, procText, statusField } from './read-proc.js';

/**
 * Who reads a pipe, from /proc (Linux): the pipe is the `pipe:[inode]` link of a
 * descriptor, its readers the processes holding a descriptor linked to the same inode
 * and opened O_RDONLY (the write end is O_WRONLY).
 */
export interface ProcView {
  /** Where procfs is mounted, normally /proc. */
  procRoot: string;
  /** Only processes whose real and effective uid are this one are looked at. */
  uid: number;
}

/** The `pipe:[N]` link of descriptor `fd` of process `pid`, or undefined when it is no pipe. */
export function pipeOf(procRoot: string, pid: number, fd: number): string | undefined {
  const link = procLink(`${procRoot}/${pid}/fd/${fd}`);
  return link?.startsWith('pipe:[') ? link : undefined;
}

/** Processes of `view.uid`, other than `self`, holding `pipe` open for reading. */
export function pipeReaders(view: ProcView, pipe: string, self: number): number[] {
  const pids = procDir(view.procRoot).filter((n) => /^\d+$/.test(n)).map(Number);
  return pids.filter((pid) => pid !== self && ownedBy(view, pid) && readsPipe(view.procRoot, pid, pipe));
}

// Uid: real, effective, saved, filesystem. Root may signal anyone: the uid is the guard.
function ownedBy(view: ProcView, pid: number): boolean {
  const [real, effective] = statusField(view.procRoot, pid, 'Uid') ?? [];
  return Number(real) === view.uid && Number(effective) === view.uid;
}

function readsPipe(procRoot: string, pid: number, pipe: string): boolean {
  const fds = procDir(`${procRoot}/${pid}/fd`);
  return fds.some((fd) => procLink(`${procRoot}/${pid}/fd/${fd}`) === pipe && openedForReading(procRoot, pid, fd));
}

// fdinfo's `flags:` is octal; the access mode is its low two bits, 0 for O_RDONLY.
function openedForReading(procRoot: string, pid: number, fd: string): boolean {
  const flags = /^flags:\s*([0-7]+)$/m.exec(procText(`${procRoot}/${pid}/fdinfo/${fd}`) ?? '')?.[1];
  return flags !== undefined && (parseInt(flags, 8) & 3) === 0;
}
