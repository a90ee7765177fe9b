import { describe, expect, it } from 'vitest';
import type { BenchResult, TargetInfo } from '../../../src/lib/bench/bench-result.js';
import { sizeArg } from '../../../src/lib/bench/bench-result.js';
import { formatReport } from '../../../src/lib/bench/format-report.js';

const MiB = 1 << 20;
const card: TargetInfo = { path: '/dev/sdx', kind: 'device', description: '/dev/sdx (Generic Card, 29.8 GiB)', direct: true, usb: { speedMbps: 480, version: '3.20', degraded: true } };
const settings = { mode: 'write', size: 64 * MiB, blockSize: 4 * MiB, pattern: 'random', iodepth: 1 } as const;

describe('formatReport', () => {
  it('shows the USB link, and says so when a USB 3 drive runs at USB 2 speed', () => {
    const r: BenchResult = { kind: 'throughput', target: card, settings, passes: [{ bytes: 64 * MiB, durationMs: 2000, bytesPerSecond: 32 * MiB }], bytesPerSecond: { mean: 32 * MiB, min: 32 * MiB, max: 32 * MiB } };
    const text = formatReport(r);
    expect(text).toMatch(/^link +USB 3\.20 at 480 Mb\/s \(a USB 3 drive on a USB 2 link/m);
    expect(text).toMatch(/^write speed: 32\.0 MiB\/s \(min 32\.0 MiB\/s, max 32\.0 MiB\/s\)$/m);
  });

  it('names the best block size as dl-flash takes it, and a fake card by its usable size', () => {
    const rows = [4096, 4 * MiB].map((blockSize, i) => ({ blockSize, bytes: MiB, durationMs: 10, bytesPerSecond: (i + 1) * 50 * MiB }));
    const sweep = formatReport({ kind: 'block-sizes', target: card, settings, rows, best: { ...rows[1]!, blockSizeArg: '4M' } });
    expect(sweep).toMatch(/^4\.0 MiB .*<- best$/m);
    expect(sweep).toContain('dl-flash --block-size 4M');
    const fake = formatReport({ kind: 'capacity', target: card, capacity: { claimed: 256 * MiB, usable: 16 * MiB, ok: false, samples: 1025, good: 64, firstBad: { offset: 16 * MiB, kind: 'alias', writtenAt: 0 } } });
    expect(fake).toMatch(/FAKE CAPACITY: claims 256\.0 MiB, only 16\.0 MiB usable .*wraps around/);
  });

  it.each([[4096, '4K'], [4 * MiB, '4M'], [1 << 30, '1G'], [1000, '1000']])('sizeArg(%d) is %s', (n, s) => expect(sizeArg(n)).toBe(s));
});
