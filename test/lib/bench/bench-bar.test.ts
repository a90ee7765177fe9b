import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BenchBar } from '../../../src/lib/bench/bench-bar.js';
import { speedColor } from '../../../src/lib/bench/speed-class.js';

const MiB = 1 << 20;

function drawn(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { out, text: () => chunks.join('') };
}

describe('speedColor', () => {
  it.each([
    [5 * MiB, 'red'],
    [20 * MiB, 'yellow'],
    [60 * MiB, 'green'],
    [400 * MiB, 'blue'],
  ])('%d B/s is %s', (bps, color) => expect(speedColor(bps)).toBe(color));
});

describe('BenchBar', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('draws the running measurement in the colour of its speed and keeps the finished one above', () => {
    const d = drawn();
    const bar = new BenchBar({ out: d.out, columns: 100, color: true });
    bar.onEvent({ type: 'start', id: '/dev/sdx', name: 'write 1/1', total: 100 * MiB }, 0);
    bar.onEvent({ type: 'progress', id: '/dev/sdx', bytes: 5 * MiB, total: 100 * MiB }, 1000);
    vi.advanceTimersByTime(150);
    expect(d.text()).toMatch(/write 1\/1 \[\x1b\[31m#+\x1b\[0m\.+\] +5% +5\.0 MiB\/100\.0 MiB +5\.0 MiB\/s/);
    bar.onEvent({ type: 'progress', id: '/dev/sdx', bytes: 100 * MiB, total: 100 * MiB }, 2000);
    vi.advanceTimersByTime(150);
    expect(d.text()).toContain('\x1b[32m#');
    bar.onEvent({ type: 'end', id: '/dev/sdx', bytes: 100 * MiB, durationMs: 500 }, 2000);
    bar.close();
    expect(d.text()).toMatch(/\x1b\[34mwrite 1\/1: 100\.0 MiB in 0\.50s, 200\.0 MiB\/s\x1b\[0m\n/);
  });

  it('draws no escape codes for colour when colour is off', () => {
    const d = drawn();
    const bar = new BenchBar({ out: d.out, columns: 100, color: false });
    bar.onEvent({ type: 'start', id: 'f', name: 'read 1/1', total: MiB }, 0);
    bar.onEvent({ type: 'progress', id: 'f', bytes: MiB / 2, total: MiB }, 100);
    vi.advanceTimersByTime(150);
    bar.close();
    expect(d.text()).not.toMatch(/\x1b\[3\dm/);
    expect(d.text()).toContain('[###############...............]');
  });
});
