import { describe, expect, it } from 'vitest';
import { allocAligned } from '../../../src/lib/device/aligned-pool.js';
import { hugeKiB, hugePagesSkipReason } from '../../helpers/huge-pages.js';

const MiB = 1 << 20;
const why = hugePagesSkipReason();

describe('allocAligned', () => {
  // O_DIRECT pins each page of a buffer per request: huge pages made a loop device's read-back
  // 1.6x faster (native/direct-memory.c).
  it.skipIf(why !== '')(`is backed by transparent huge pages${why && ` (skipped: ${why})`}`, () => {
    const before = hugeKiB();
    const bufs = allocAligned(2, 4 * MiB);
    for (const b of bufs) b.fill(1);
    // Both 4 MiB buffers lie on 2 MiB boundaries: four huge pages once touched.
    expect(hugeKiB() - before).toBeGreaterThanOrEqual(8 * 1024);
    expect(bufs[1]!.byteOffset - bufs[0]!.byteOffset).toBe(4 * MiB);
  });

  it.skipIf(why !== '')(`gives small pages when asked${why && ` (skipped: ${why})`}`, () => {
    const before = hugeKiB();
    const bufs = allocAligned(2, 4 * MiB, 'small');
    for (const b of bufs) b.fill(1);
    expect(hugeKiB() - before).toBeLessThan(4 * 1024);
    expect(bufs[0]!.byteOffset % 4096).toBe(0);
  });
});
