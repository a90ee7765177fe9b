import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityOfFile } from '../../../src/lib/checkpoint/source-identity.js';
import type { EventInput } from '../../../src/lib/events/types.js';
import { driveIdentity } from '../../../src/lib/device/drive.js';
import { flashCheckpointPath, flashCheckpointStore } from '../../../src/lib/device/flash-checkpoint.js';
import { flashJob } from '../../../src/lib/device/flash-job.js';
import { fileSource, streamSource } from '../../../src/lib/device/image-source.js';
import { listDrives } from '../../../src/lib/device/list-drives.js';
import { openDevice, type DeviceHandle } from '../../../src/lib/device/open-device.js';
import { upstreamFailedError } from '../../../src/lib/pipeline/upstream-failed-error.js';
import { attachLoop, loopSkipReason, type LoopDevice } from '../../helpers/loop-device.js';

const MiB = 1 << 20;

describe.skipIf(loopSkipReason)(`flashJob on a loop device${loopSkipReason ? ` (${loopSkipReason})` : ''}`, () => {
  let dir: string;
  let loop: LoopDevice;
  let handle: DeviceHandle;
  const image = randomBytes(6 * MiB);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlk-fj-'));
    writeFileSync(join(dir, 'drive.img'), Buffer.alloc(8 * MiB));
    loop = attachLoop(join(dir, 'drive.img'));
    handle = await openDevice((await listDrives()).find((d) => d.path === loop.path)!, { write: true });
  });
  /** What both jobs share: the loop device, resumable and verified, 1 MiB blocks, two in flight. */
  const onTheLoop = (checkpointDir: string) => ({ handles: [handle], checkpointDir, resume: true, verify: true, blockSize: MiB, inFlight: 2 });

  afterAll(async () => {
    await handle?.fh.close();
    loop?.detach();
    rmSync(dir, { recursive: true, force: true });
  });

  // A stage before dl-flash failed (SIGUSR2 aborts the signal) once every byte it sent was
  // written: the job fails with that reason and claims nothing verified.
  it.each([
    ['the last write completes', (e: EventInput) => e.type === 'progress' && e.phase === 'write' && e.bytes === image.length],
    ['the read-back starts', (e: EventInput) => e.type === 'progress' && e.phase === 'verify'],
  ])('aborted after the source ended, when %s: fails with the upstream error, no verify event', async (_when, abortOn) => {
    const checkpointDir = join(dir, `cp-${Math.random()}`);
    mkdirSync(checkpointDir);
    const controller = new AbortController();
    const events: EventInput[] = [];
    const emit = (e: EventInput): void => {
      events.push(e);
      if (!controller.signal.aborted && abortOn(e)) controller.abort(upstreamFailedError());
    };
    const job = flashJob({
      source: streamSource('-', (async function* () { for (let at = 0; at < image.length; at += MiB) yield image.subarray(at, at + MiB); })()),
      sourceIdentity: { type: 'file', path: '-', size: 0, mtimeMs: 0 },
      ...onTheLoop(checkpointDir),
      checkpointEveryMs: 0,
      signal: controller.signal,
      emit,
      warn: () => undefined,
    });
    await expect(job).rejects.toMatchObject({ code: 'DL_ERR_UPSTREAM_FAILED', exitCode: 65 });
    expect(events.filter((e) => e.type === 'verify' || e.type === 'end')).toEqual([]);
    if (abortOn(events.find((e) => e.type === 'progress' && e.phase === 'write' && e.bytes === image.length)!)) {
      expect(readdirSync(checkpointDir)).not.toEqual([]);
    }
  });

  it('refuses a checkpoint holding xxh64 block digests (an older dlkit): says why and writes from 0', async () => {
    const checkpointDir = join(dir, 'cp-old');
    mkdirSync(checkpointDir);
    const imagePath = join(dir, 'image.img');
    writeFileSync(imagePath, image);
    const identity = await identityOfFile(imagePath);
    const devices = [driveIdentity(handle.drive)];
    // The layout such a run saved: digests without digestAlgorithm.
    const state = { devices, position: 2 * MiB, size: image.length, blockSize: MiB, digests: randomBytes(16).toString('base64') };
    await flashCheckpointStore.save(flashCheckpointPath(checkpointDir, devices), { identity, state });
    const events: EventInput[] = [];
    const warnings: string[] = [];
    const source = await fileSource(imagePath);
    try {
      const result = await flashJob({
        source,
        sourceIdentity: identity,
        ...onTheLoop(checkpointDir),
        signal: new AbortController().signal,
        emit: (e) => void events.push(e),
        warn: (code, message) => void warnings.push(`${code} ${message}`),
      });
      expect(result.resumedFrom).toBe(0);
    } finally {
      await source.close();
    }
    expect(warnings).toEqual([expect.stringMatching(/^DL_WARN_CHECKPOINT_INVALID .*xxh64-blocks \(an older dlkit\), not xxh3-blocks/)]);
    expect(events.find((e) => e.type === 'verify')).toMatchObject({ ok: true, algorithm: 'xxh3-blocks' });
  });
});
