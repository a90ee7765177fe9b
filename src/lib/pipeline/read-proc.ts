import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/*
 * Reads of /proc that never throw: processes come and go while they run, and another
 * user's are hidden. A vanished or unreadable entry reads as undefined (a directory as
 * empty), and whoever asked skips that process.
 */

function quietly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export const procText = (path: string): string | undefined => quietly(() => readFileSync(path, 'utf8'));
export const procLink = (path: string): string | undefined => quietly(() => readlinkSync(path));
export const procDir = (path: string): string[] => quietly(() => readdirSync(path)) ?? [];

/** A line of /proc/PID/status (`Uid`, `SigCgt`…) split into its fields. */
export function statusField(procRoot: string, pid: number, name: string): string[] | undefined {
  const line = procText(`${procRoot}/${pid}/status`)?.split('\n').find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim().split(/\s+/);
}
