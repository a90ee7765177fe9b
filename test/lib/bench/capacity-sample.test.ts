import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSample, sampleOffsets, SAMPLE_SIZE, writeSample } from '../../../src/lib/bench/capacity-sample.js';

const MiB = 1 << 20;

describe('tagged samples', () => {
  const nonce = 0x1234_5678_9abc_def0n;

  it('read back where written: good; somewhere else: the offset it came from; damaged or foreign: lost', () => {
    const b = Buffer.alloc(SAMPLE_SIZE);
    writeSample(b, nonce, 16 * MiB);
    expect(readSample(b, nonce, 16 * MiB)).toEqual({ kind: 'good' });
    expect(readSample(b, nonce, 32 * MiB)).toEqual({ kind: 'alias', writtenAt: 16 * MiB });
    expect(readSample(b, nonce + 1n, 16 * MiB)).toEqual({ kind: 'lost' });
    b.writeUInt8(b.readUInt8(SAMPLE_SIZE - 1) ^ 1, SAMPLE_SIZE - 1);
    expect(readSample(b, nonce, 16 * MiB)).toEqual({ kind: 'lost' });
    expect(readSample(Buffer.alloc(SAMPLE_SIZE), nonce, 0)).toEqual({ kind: 'lost' });
  });

  it('differ from offset to offset (a drive cannot pass by repeating one block)', () => {
    const [a, b] = [Buffer.alloc(SAMPLE_SIZE), Buffer.alloc(SAMPLE_SIZE)];
    writeSample(a, nonce, 0);
    writeSample(b, nonce, 4096);
    expect(a.subarray(24).equals(b.subarray(24))).toBe(false);
  });
});

describe('sampleOffsets', () => {
  it('puts a power-of-two grid over the drive, plus its last block', () => {
    const offsets = sampleOffsets(256 * MiB);
    expect(offsets.slice(0, 3)).toEqual([0, 256 * 1024, 512 * 1024]);
    expect(offsets).toContain(16 * MiB);
    expect(offsets.at(-1)).toBe(256 * MiB - SAMPLE_SIZE);
  });

  it('stays sorted, 4K-aligned, inside the drive, and near the sample target for any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: SAMPLE_SIZE, max: 2 ** 42 }), (capacity) => {
        const o = sampleOffsets(capacity);
        expect(o.every((x, i) => x % SAMPLE_SIZE === 0 && x + SAMPLE_SIZE <= capacity && (i === 0 || x > o[i - 1]!))).toBe(true);
        expect(o[0]).toBe(0);
        expect(o.length).toBeLessThanOrEqual(2049);
      }),
    );
  });
});
