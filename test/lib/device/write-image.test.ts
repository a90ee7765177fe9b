import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createXXHash3 } from 'hash-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockDigests } from '../../../src/lib/device/block-digests.js';
import { DeviceWriter } from '../../../src/lib/device/device-writer.js';
import { fileSource, streamSource } from '../../../src/lib/device/image-source.js';
import { listDrives } from '../../../src/lib/device/list-drives.js';
import { openDevice, type DeviceHandle } from '../../../src/lib/device/open-device.js';
import { firstBadByte, readBackDigests } from '../../../src/lib/device/read-back.js';
import { writeImage } from '../../../src/lib/device/write-image.js';
import { attachLoop, loopSkipReason, type LoopDevice } from '../../helpers/loop-device.js';

const MiB = 1 << 20;

describe.skipIf(loopSkipReason)(`writeImage onto loop devices${loopSkipReason ? ` (${loopSkipReason})` : ''}`, () => {
  let dir: string;
  const loops: LoopDevice[] = [];
  const handles: DeviceHandle[] = [];
  // 9 MiB + 1000 bytes: a tail that is not sector-aligned, so O_DIRECT needs the read-modify-write.
  const image = randomBytes(9 * MiB + 1000);
  const filler = 0xa5;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlk-wi-'));
    writeFileSync(join(dir, 'image.img'), image);
    for (const n of [0, 1]) {
      writeFileSync(join(dir, `t${n}.img`), Buffer.alloc(12 * MiB, filler));
      loops.push(attachLoop(join(dir, `t${n}.img`)));
    }
    const drives = await listDrives();
    for (const l of loops) handles.push(await openDevice(drives.find((d) => d.path === l.path)!, { write: true }));
  });
  afterAll(async () => {
    for (const h of handles) await h.fh.close();
    for (const l of loops) l.detach();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one read of a file to two drives with O_DIRECT, leaving the bytes after the image alone', async () => {
    expect(handles.every((h) => h.direct)).toBe(true);
    const source = await fileSource(join(dir, 'image.img'));
    const digests = await BlockDigests.create();
    const writers = handles.map((h) => new DeviceWriter(h));
    const saved: number[] = [];
    const r = await writeImage({
      source,
      writers,
      ranges: [[0, Infinity]],
      signal: new AbortController().signal,
      blockSize: 2 * MiB,
      observe: (bytes) => digests.add(bytes),
      checkpointEveryMs: 0,
      onCheckpoint: async (p) => void saved.push(p),
    });
    await source.close();
    digests.finish();
    expect(r.end).toBe(image.length);
    expect(r.failed.size).toBe(0);
    expect(saved[0]).toBe(2 * MiB);
    for (const l of loops) {
      const target = readFileSync(l.file);
      expect(target.subarray(0, image.length).equals(image)).toBe(true);
      expect(target.subarray(image.length).every((b) => b === filler)).toBe(true);
    }
    const back = await readBackDigests(handles[0]!, { size: image.length });
    expect(back.firstDifference(digests)).toBe(-1);
    expect(back.summary()).toBe(digests.summary());
  });

  it('read-back goes past the page cache and names the first bad block and byte', async () => {
    const expected = await BlockDigests.create();
    expected.add(image);
    expected.finish();
    // Corrupt the backing file behind the drive's back, then drop the drive's cache.
    const l = loops[1]!;
    const bad = 5 * MiB + 12345;
    const fd = readFileSync(l.file);
    fd[bad] = fd[bad]! ^ 0xff;
    writeFileSync(l.file, fd);
    const back = await readBackDigests(handles[1]!, { size: image.length });
    const block = back.firstDifference(expected);
    expect(block).toBe(5);
    expect(await firstBadByte(handles[1]!, image.subarray(block * MiB, (block + 1) * MiB), block * MiB)).toBe(bad);
  });

  it('writes only the requested ranges from a stream, handing the rest to onSkipped', async () => {
    const chunks = [image.subarray(0, 777_777), image.subarray(777_777, 6 * MiB), image.subarray(6 * MiB)];
    const skipped: [number, number][] = [];
    const h = handles[0]!;
    await writeImage({
      source: streamSource('-', Readable.from(chunks)),
      writers: [new DeviceWriter(h)],
      ranges: [[4 * MiB, Infinity]],
      onSkipped: (b, p) => void skipped.push([p, b.length]),
      signal: new AbortController().signal,
    });
    expect(skipped.reduce((n, [, len]) => n + len, 0)).toBe(4 * MiB);
    expect(readFileSync(loops[0]!.file).subarray(4 * MiB, image.length).equals(image.subarray(4 * MiB))).toBe(true);
  });
});

describe('BlockDigests', () => {
  it('keeps one digest per block, whatever the chunking, and tells blocks apart', async () => {
    const data = randomBytes(3 * MiB + 5);
    const whole = await BlockDigests.create();
    whole.add(data);
    const pieces = await BlockDigests.create();
    for (let at = 0; at < data.length; at += 333_333) pieces.add(data.subarray(at, at + 333_333));
    expect(whole.finish().count).toBe(4);
    expect(whole.bytes).toBe(data.length);
    expect(pieces.finish().firstDifference(whole)).toBe(-1);
    expect(Buffer.from(whole.at(0)!).equals(Buffer.from(whole.at(1)!))).toBe(false);
    // The canonical XXH3-64 (as xxhsum -H3 prints it), whichever implementation ran.
    const wasm = await createXXHash3();
    wasm.init();
    wasm.update(data.subarray(MiB, 2 * MiB));
    expect(Buffer.from(whole.at(1)!).toString('hex')).toBe(wasm.digest('hex'));
    const restored = await BlockDigests.restore({ blockSize: MiB, digests: Buffer.concat([whole.at(0)!, whole.at(1)!]).toString('base64') });
    expect(restored.count).toBe(2);
    expect(restored.firstDifference(whole)).toBe(2);
  });
});
