import { DlError, ExitCode } from '../errors/dl-error.js';
import { fsError } from '../fs/fs-error.js';
import { allocAligned } from './aligned-pool.js';
import type { DeviceHandle } from './open-device.js';

/**
 * Positional writes to one open drive. Several may be in flight at once (each runs on a
 * libuv thread); the caller bounds how many through its buffer pool. With O_DIRECT every
 * write must cover whole sectors: an image whose end is not sector-aligned gets its last
 * sector read from the drive, overlaid with the image's tail, and written whole, so the
 * bytes after the image stay what they were. Buffers are only read, never changed: one
 * buffer can go to several drives at once.
 */
export class DeviceWriter {
  #scratch: Buffer | undefined;
  /** Bytes this writer has completed. */
  written = 0;

  constructor(readonly handle: DeviceHandle) {}

  get path(): string {
    return this.handle.drive.path;
  }

  async write(buf: Buffer, length: number, position: number): Promise<void> {
    const { direct, sectorSize } = this.handle;
    const whole = direct ? length - (length % sectorSize) : length;
    if (whole > 0) await this.#pwrite(buf, whole, position);
    if (whole < length) await this.#writeTail(buf.subarray(whole, length), position + whole);
    this.written += length;
  }

  /** fdatasync: the bytes are on the medium, not in a cache, before a checkpoint says so. */
  async flush(): Promise<void> {
    await this.handle.fh.datasync().catch((err: unknown) => {
      throw deviceError(err, this.path, 'flush', this.written);
    });
  }

  async #pwrite(buf: Buffer, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        ({ bytesWritten: n } = await this.handle.fh.write(buf, done, length - done, position + done));
      } catch (err) {
        throw deviceError(err, this.path, 'write', position + done);
      }
      if (n === 0) throw endOfDevice(this.path, position + done);
      done += n;
    }
  }

  async #writeTail(tail: Buffer, position: number): Promise<void> {
    const size = this.handle.sectorSize;
    this.#scratch ??= allocAligned(1, Math.max(size, 4096))[0]!.subarray(0, size);
    const { bytesRead } = await this.handle.fh.read(this.#scratch, 0, size, position).catch((err: unknown) => {
      throw deviceError(err, this.path, 'read', position);
    });
    if (bytesRead < size) throw endOfDevice(this.path, position + bytesRead);
    tail.copy(this.#scratch, 0);
    await this.#pwrite(this.#scratch, size, position);
  }
}

export function deviceError(err: unknown, path: string, action: 'read' | 'write' | 'flush', offset: number): DlError {
  const errno = (err as NodeJS.ErrnoException).code;
  if (errno === 'ENOSPC') return endOfDevice(path, offset);
  const base = fsError(err, path, action === 'flush' ? 'sync' : action);
  return new DlError(`${action} error on ${path} at offset ${offset}: ${errno ?? base.message}`, {
    code: 'DL_ERR_DEVICE_IO',
    exitCode: ExitCode.IO,
    hint: 'the drive may be failing or was unplugged; check dmesg, then try again (the run resumes)',
    cause: err,
    details: { device: path, offset, errno },
  });
}

export function endOfDevice(path: string, offset: number): DlError {
  return new DlError(`${path} ends at offset ${offset}: the drive is smaller than the image`, {
    code: 'DL_ERR_TOO_SMALL',
    exitCode: ExitCode.IO,
    hint: 'use a larger drive',
    details: { device: path, offset },
  });
}
