import { DeviceWriter } from '../device/device-writer.js';
import type { FlashJobOptions, FlashResult } from '../device/flash-job.js';
import type { DeviceHandle } from '../device/open-device.js';
import { readRanges } from '../device/read-back.js';
import { writeImage } from '../device/write-image.js';
import { integrityError } from '../errors/dl-error.js';
import { mappedBytes, type Bmap } from './bmap-file.js';
import { RangeChecker } from './range-checker.js';

export type BmapJobOptions = Omit<FlashJobOptions, 'resume' | 'checkpointDir' | 'sourceIdentity'> & { bmap: Bmap };

/**
 * `--bmap`: only the mapped ranges are read, written and read back, as `bmaptool copy`
 * does; the image's bytes are checked against the map's checksums on the way in, and each
 * drive's on the way back. Unmapped blocks keep whatever the drive held.
 */
export async function flashWithBmap(o: BmapJobOptions): Promise<FlashResult> {
  const total = mappedBytes(o.bmap);
  const began = Date.now();
  o.emit({ type: 'start', id: o.source.name, total, source: o.source.name, targets: o.handles.map((h) => h.drive.path), resumedFrom: 0, imageSize: o.bmap.imageSize });
  const writers = o.handles.map((h) => new DeviceWriter(h));
  const checker = new RangeChecker(o.bmap);
  const result = await writeImage({
    source: o.source,
    writers,
    ranges: o.bmap.ranges.map((r) => [r.start, r.end] as const),
    signal: o.signal,
    blockSize: o.blockSize,
    inFlight: o.inFlight,
    ...(o.limiter ? { limiter: o.limiter } : {}),
    observe: (bytes, position) => checker.add(bytes, position),
    onProgress: (w) => o.emit({ type: 'progress', id: w.path, bytes: w.written, total, phase: 'write' }),
    onDrop: (w, e) => o.warn('DL_WARN_DRIVE_FAILED', `${w.path} dropped: ${e.message}`, w.path),
  });
  if (!checker.complete) throw integrityError(`${o.source.name} ended at offset ${result.end}, before the last range of its bmap`);
  const live = o.handles.filter((_, i) => !result.failed.has(writers[i]!));
  if (o.verify) await Promise.all(live.map((h) => verifyRanges(h, o, total)));
  for (const h of live) o.emit({ type: 'end', id: h.drive.path, bytes: total, durationMs: Date.now() - began });
  const failed = [...result.failed].map(([w, error]) => ({ device: w.path, error }));
  o.emit({ type: 'end', id: o.source.name, bytes: total, durationMs: Date.now() - began, failed: failed.map((f) => f.device) });
  return { size: o.bmap.imageSize, resumedFrom: 0, failed, digest: '' };
}

async function verifyRanges(h: DeviceHandle, o: BmapJobOptions, total: number): Promise<void> {
  const device = h.drive.path;
  const checker = new RangeChecker(o.bmap, device);
  let bytes = 0;
  const algorithm = `bmap-${o.bmap.checksumType}`;
  try {
    await readRanges(h, o.bmap.ranges.map((r) => [r.start, r.end] as const), (data, position) => {
      checker.add(data, position);
      o.emit({ type: 'progress', id: device, bytes: (bytes += data.length), total, phase: 'verify' });
    }, { signal: o.signal });
  } catch (err) {
    o.emit({ type: 'verify', id: device, algorithm, actual: 'mismatch', ok: false });
    throw err;
  }
  o.emit({ type: 'verify', id: device, algorithm, actual: 'all ranges match', ok: true });
}
