import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocAligned } from '../../../src/lib/device/aligned-pool.js';
import { findAddon } from '../../../src/lib/native/find-addon.js';

const MiB = 1 << 20;
const thp = '/sys/kernel/mm/transparent_hugepage/enabled';
const hugeKiB = (): number => Number(/AnonHugePages:\s+(\d+)/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1] ?? 0);
const thpWhy = !existsSync(thp)
  ? 'no transparent huge pages on this kernel'
  : /\[never\]/.test(readFileSync(thp, 'utf8'))
    ? 'transparent huge pages are off (never)'
    : findAddon('direct_memory') === undefined
      ? 'build/Release/direct_memory.node not built (npm install builds it)'
      : '';

describe('allocAligned', () => {
  // O_DIRECT pins each page of a buffer per request: huge pages made a loop device's read-back
  // 1.6x faster (native/direct-memory.c).
  it.skipIf(thpWhy !== '')(`is backed by transparent huge pages${thpWhy && ` (skipped: ${thpWhy})`}`, () => {
    const before = hugeKiB();
    const bufs = allocAligned(2, 4 * MiB);
    for (const b of bufs) b.fill(1);
    // Both 4 MiB buffers lie on 2 MiB boundaries: four huge pages once touched.
    expect(hugeKiB() - before).toBeGreaterThanOrEqual(8 * 1024);
    expect(bufs[1]!.byteOffset - bufs[0]!.byteOffset).toBe(4 * MiB);
  });
});
