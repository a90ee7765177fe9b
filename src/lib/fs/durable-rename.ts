import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsError } from './fs-error.js';

/** One directory's fsync in flight, and the one queued behind it. */
interface DirSyncs {
  running?: Promise<void>;
  queued?: Promise<void>;
}

const syncing = new Map<string, DirSyncs>();

/**
 * Flushes a directory's entries, so a rename or unlink in it survives a power cut.
 * Some filesystems cannot fsync a directory (EINVAL); there is nothing more to do there.
 *
 * Callers that ask while an fsync of the same directory is running share the next one
 * (group commit): the running one may have started before their rename, the next one
 * starts after it. A batch finishing hundreds of files a second into one directory then
 * pays a few directory fsyncs a second instead of one per file.
 */
export function syncDir(dir: string): Promise<void> {
  let s = syncing.get(dir);
  if (s === undefined) syncing.set(dir, (s = {}));
  const { running } = s;
  if (running === undefined) return startSync(dir, s);
  const entry = s;
  entry.queued ??= running
    .catch(() => undefined)
    .then(() => {
      entry.queued = undefined;
      return startSync(dir, entry);
    });
  return entry.queued;
}

function startSync(dir: string, s: DirSyncs): Promise<void> {
  const run: Promise<void> = fsyncDir(dir).finally(() => {
    if (s.running !== run) return;
    s.running = undefined;
    if (s.queued === undefined) syncing.delete(dir);
  });
  s.running = run;
  return run;
}

async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    if (errno !== 'EINVAL' && errno !== 'ENOTSUP') throw fsError(err, dir, 'sync');
  } finally {
    await fh?.close();
  }
}

/** rename(2) then fsync of the target's directory: after this the new name is on disk. */
export async function renameDurable(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    throw fsError(err, to, 'rename');
  }
  await syncDir(dirname(to));
}
