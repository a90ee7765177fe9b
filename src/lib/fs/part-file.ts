import { constants } from 'node:fs';
import { lstat, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { removeWithTemps } from './atomic-write.js';
import { renameDurable, syncDir } from './durable-rename.js';
import { fsError, isNotFound } from './fs-error.js';

/**
 * The partial-output contract of dl-get, dl-unpack and stargz-get: bytes go to
 * `TARGET.part`, the checkpoint that says which of them are good sits at
 * `TARGET.part.json`, and TARGET itself appears only once the caller has verified the
 * whole, by an atomic rename.
 */
export const partPathOf = (target: string): string => `${target}.part`;
export const checkpointPathOf = (target: string): string => `${target}.part.json`;

export interface PartFileOptions {
  /** Replace an existing target on finalize; without it an existing target is refused. */
  overwrite?: boolean;
}

async function refuseExisting(target: string): Promise<void> {
  try {
    await lstat(target);
  } catch (err) {
    if (isNotFound(err)) return;
    throw fsError(err, target, 'stat');
  }
  throw new DlError(`${target} already exists`, {
    code: 'DL_ERR_EXISTS',
    exitCode: ExitCode.CANT_CREATE,
    hint: 'remove it, choose another output path, or ask to overwrite it',
    details: { path: target },
  });
}

async function syncFile(path: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r+');
    await fh.sync();
  } catch (err) {
    throw fsError(err, path, 'sync');
  } finally {
    await fh?.close();
  }
}

/** Checks the target may be written (refusing to clobber it), then hands out its part file. */
export async function preparePartFile(target: string, opts: PartFileOptions = {}): Promise<PartFile> {
  const overwrite = opts.overwrite ?? false;
  if (!overwrite) await refuseExisting(target);
  return new PartFile(target, overwrite);
}

/** A target's part file and checkpoint; made by preparePartFile. */
export class PartFile {
  readonly partPath: string;
  readonly checkpointPath: string;

  /** @internal use preparePartFile, which checks the target first. */
  constructor(
    readonly target: string,
    private readonly overwrite: boolean,
  ) {
    this.partPath = partPathOf(target);
    this.checkpointPath = checkpointPathOf(target);
  }

  /** Bytes already in the part file, 0 when there is none: where a resume may start. */
  async size(): Promise<number> {
    try {
      return (await stat(this.partPath)).size;
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw fsError(err, this.partPath, 'stat');
    }
  }

  /**
   * Opens the part for reading and writing at any offset (segments, or
   * `fh.createWriteStream({ start })`), creating it if needed and never truncating it.
   * The caller closes the handle.
   */
  async open(): Promise<FileHandle> {
    try {
      return await open(this.partPath, constants.O_RDWR | constants.O_CREAT);
    } catch (err) {
      throw fsError(err, this.partPath, 'create');
    }
  }

  /**
   * fsync the part, rename it to the target, fsync the directory, drop the checkpoint.
   * `syncData: false` skips the part's fsync (`--no-fsync`): the rename stays atomic and
   * the directory entry durable, the bytes as durable as the page cache makes them.
   * `checkpoint: false` says no checkpoint was loaded or saved for this part, so there is
   * nothing to remove and the directory is not scanned for a killed save's temp files
   * (a killed save leaves a part behind, and the next load discards it with its temps).
   */
  async finalize(opts: { syncData?: boolean; checkpoint?: boolean } = {}): Promise<void> {
    // Checked again: the target may have appeared during a long download.
    if (!this.overwrite) await refuseExisting(this.target);
    if (opts.syncData !== false) await syncFile(this.partPath);
    await renameDurable(this.partPath, this.target);
    if (opts.checkpoint !== false) await removeWithTemps(this.checkpointPath);
  }

  /** Removes the part and its checkpoint: the next attempt starts from zero. */
  async discard(): Promise<void> {
    await unlink(this.partPath).catch((err: unknown) => {
      if (!isNotFound(err)) throw fsError(err, this.partPath, 'remove');
    });
    await removeWithTemps(this.checkpointPath);
    await syncDir(dirname(this.partPath));
  }
}
