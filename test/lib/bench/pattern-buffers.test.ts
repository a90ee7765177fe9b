import { describe, expect, it } from 'vitest';
import { patternBuffers } from '../../../src/lib/bench/pattern-buffers.js';
import { hugeKiB, hugePagesSkipReason } from '../../helpers/huge-pages.js';

const MiB = 1 << 20;
const why = hugePagesSkipReason();

describe('patternBuffers', () => {
  // fio's buffers are small pages; on huge ones dl-bench read a loop device at 1.23x fio's
  // rate (/dev/shm, 9 pairs), 0.91 with small pages.
  it.skipIf(why !== '')(`uses small pages, as fio does${why && ` (skipped: ${why})`}`, () => {
    const before = hugeKiB();
    const bufs = patternBuffers('sequence', 4 * MiB, 4);
    expect(hugeKiB() - before).toBeLessThan(4 * 1024);
    expect(bufs.every((b) => b.byteOffset % 4096 === 0 && b.length === 4 * MiB)).toBe(true);
    expect(new Uint32Array(bufs[1]!.buffer, bufs[1]!.byteOffset, 2)).toEqual(new Uint32Array([MiB, MiB + 1]));
  });
});
