import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileTarget } from '../../../src/lib/bench/bench-target.js';
import { measureThroughput, type MeasureOptions } from '../../../src/lib/bench/measure-throughput.js';
import { patternBuffers } from '../../../src/lib/bench/pattern-buffers.js';

// tmpfs: fast enough that the event loop's turns, not the medium, decide what is counted.
const dir = mkdtempSync(join('/dev/shm', 'dlk-measure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KiB = 1024;

/** Writes `blocks` 4 KiB blocks to a new file, counting the event loop's turns meanwhile. */
async function writeCountingTurns(name: string, blocks: number, iodepth: number, extra: Partial<MeasureOptions> = {}) {
  const target = await openFileTarget(join(dir, name), { write: true, direct: true });
  let turns = 0;
  let spinning = true;
  const spin = (): void => {
    turns++;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    const m = await measureThroughput(target, {
      mode: 'write',
      size: blocks * 4 * KiB,
      blockSize: 4 * KiB,
      buffers: patternBuffers('random', 4 * KiB, iodepth),
      iodepth,
      signal: new AbortController().signal,
      ...extra,
    });
    return { m, turns };
  } finally {
    spinning = false;
    await target.close();
  }
}

describe('measureThroughput', () => {
  it('at iodepth 1 writes block after block synchronously, as fio psync does: the event loop turns only every 50 ms', async () => {
    const { m, turns } = await writeCountingTurns('sync.img', 2000, 1);
    expect(m.bytes).toBe(2000 * 4 * KiB);
    expect(turns).toBeLessThanOrEqual(m.durationMs / 50 + 3);
    // Each block handed to a libuv thread, as at iodepth 2, costs at least one turn per block.
    const { turns: handedOff } = await writeCountingTurns('async.img', 2000, 2);
    expect(handedOff).toBeGreaterThanOrEqual(1000);
  });

  it('stamps every 4 KiB of a random pattern with its offset: one reused buffer never writes the same 4 KiB twice', async () => {
    await writeCountingTurns('random.img', 512, 1, { pattern: 'random' });
    const bytes = readFileSync(join(dir, 'random.img'));
    const chunks = new Set<string>();
    for (let at = 0; at < bytes.length; at += 4 * KiB) {
      expect(bytes.readUInt32LE(at) + bytes.readUInt32LE(at + 4) * 2 ** 32).toBe(at);
      chunks.add(bytes.subarray(at, at + 4 * KiB).toString('base64'));
    }
    expect(chunks.size).toBe(512);
  });
});
