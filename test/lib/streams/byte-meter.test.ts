import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { byteMeter } from '../../../src/lib/streams/byte-meter.js';

describe('byteMeter', () => {
  it('counts bytes per chunk and passes the very same chunks on', async () => {
    const chunks = [Buffer.from('abc'), Buffer.alloc(0), Buffer.alloc(70_000, 1)];
    const calls: [number, number][] = [];
    const received: Buffer[] = [];
    await pipeline(
      Readable.from(chunks),
      byteMeter((total, chunk) => calls.push([total, chunk])),
      new Writable({ write: (c: Buffer, _e, cb) => (received.push(c), cb()) }),
    );
    expect(calls).toEqual([
      [3, 3],
      [3, 0],
      [70_003, 70_000],
    ]);
    // Identity, not equality: the meter never copies a chunk.
    expect(received[0]).toBe(chunks[0]);
    expect(received.at(-1)).toBe(chunks[2]);
  });
});
