import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DlError, ExitCode } from '../errors/dl-error.js';

/**
 * Whether an output path names something to write into rather than a file to replace:
 * a character device (/dev/null, as in curl's `-o /dev/null`), a named pipe or a socket.
 * Those are opened and written like standard output; the part file renamed over one would
 * replace the node itself (as root, /dev/null became a regular file). A block device is
 * refused: drives are written by dl-flash, after its safety checks.
 */
export async function isStreamTarget(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isBlockDevice()) {
    throw new DlError(`${path} is a block device (a drive)`, {
      code: 'DL_ERR_BLOCK_DEVICE',
      exitCode: ExitCode.REFUSED,
      hint: `write drives with dl-flash, which checks the drive first: dl-flash SOURCE ${path}`,
      details: { path },
    });
  }
  return st !== undefined && (st.isCharacterDevice() || st.isFIFO() || st.isSocket());
}

/** Opens a stream target for writing (after isStreamTarget said it is one). */
export const openStreamTarget = (path: string): WriteStream => createWriteStream(path);

/** Ends a stream target and waits until it is closed (an error was already reported by the writer). */
export const closeStreamTarget = (out: WriteStream): Promise<void> => new Promise((done) => out.end(() => done()));
