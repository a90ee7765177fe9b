import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TtyRenderer } from '../../../src/cli/progress/tty-renderer.js';
import { stampEvent } from '../../../src/lib/events/stamp-event.js';
import type { EventInput } from '../../../src/lib/events/types.js';
import { capture, stripAnsi } from './capture.js';

const ev = (e: EventInput) => stampEvent('dl-get', e);
const MiB = 1024 ** 2;
/** The lines of the last redraw, without escape sequences. */
const lastBlock = (writes: string[]): string[] => stripAnsi(writes.at(-1) ?? '').split('\n').filter((l) => l !== '');

beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
afterEach(() => vi.useRealTimers());

describe('TtyRenderer', () => {
  it('redraws at most 10 times a second under a flood of events, from the latest state', async () => {
    const { out, writes } = capture();
    const r = new TtyRenderer({ out, columns: 100, color: true });
    r.onEvent(ev({ type: 'start', id: 'a', total: 2000 * MiB }));
    for (let ms = 1; ms <= 2000; ms++) {
      for (let k = 0; k < 5; k++) r.onEvent(ev({ type: 'progress', id: 'a', bytes: ms * MiB, total: 2000 * MiB }));
      vi.advanceTimersByTime(1);
    }
    expect(writes.length).toBeLessThanOrEqual(20);
    expect(writes.length).toBeGreaterThanOrEqual(19);
    expect(lastBlock(writes)[0]).toMatch(/100%\s+1\.95 GiB|100%\s+2\.0 GiB/);
    await r.close();
  });

  it('never wraps: lines fit the width, long names end with an ellipsis', async () => {
    const { out, writes } = capture();
    const r = new TtyRenderer({ out, columns: 60, color: false });
    r.onEvent(ev({ type: 'start', id: 'x', name: `${'very-long-file-name-'.repeat(6)}.iso`, total: 100 * MiB }));
    r.onEvent(ev({ type: 'start', id: 'y', name: 'short', total: null }));
    vi.advanceTimersByTime(500);
    r.onEvent(ev({ type: 'progress', id: 'x', bytes: 42 * MiB, total: 100 * MiB }));
    r.onEvent(ev({ type: 'progress', id: 'y', bytes: 5 * MiB, total: null }));
    vi.advanceTimersByTime(100);
    const lines = lastBlock(writes);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^very-long-f… \[#+\.+\]\s+42%\s+42\.0 MiB\/100 MiB/);
    expect(lines[1]).toMatch(/^short\s+5\.00 MiB/);
    await r.close();
  });

  it.each([20, 30, 40, 80, 200])('keeps every line within %i columns', async (columns) => {
    const { out, writes } = capture();
    const r = new TtyRenderer({ out, columns, color: true });
    r.onEvent(ev({ type: 'start', id: 'https://example.test/a/very/long/path/disk-image-2026.img.xz', total: 10 * 1024 ** 4 }));
    r.onEvent(ev({ type: 'warn', id: 'x', code: 'DL_WARN_SLOW', message: 'the server is slow '.repeat(10) }));
    vi.advanceTimersByTime(100);
    for (const l of lastBlock(writes)) expect([...l].length).toBeLessThanOrEqual(columns);
    await r.close();
  });

  it('prints finished items, warnings and errors above the block, which moves in place', async () => {
    const { out, writes, text } = capture();
    const r = new TtyRenderer({ out, columns: 100, color: false });
    r.onEvent(ev({ type: 'start', id: 'a', total: 10 }));
    r.onEvent(ev({ type: 'start', id: 'b', total: 10 }));
    vi.advanceTimersByTime(100);
    expect(lastBlock(writes)).toHaveLength(2);
    r.onEvent(ev({ type: 'warn', id: 'b', code: 'DL_WARN_X', message: 'careful\x1b[2J' }));
    r.onEvent(ev({ type: 'end', id: 'a', bytes: 10, durationMs: 1000 }));
    vi.advanceTimersByTime(100);
    const last = writes.at(-1)!;
    expect(last.startsWith('\x1b[2F')).toBe(true); // back over the two lines drawn before
    expect(lastBlock(writes)).toEqual([
      'dl-get: warning: careful?[2J (DL_WARN_X)',
      'dl-get: done a: 10 B in 1s (10 B/s)',
      expect.stringMatching(/^b\s+\[\.+\]\s+0%/),
    ]);
    r.onEvent(ev({ type: 'error', id: 'b', code: 'DL_ERR_HTTP', message: 'gone', exitCode: 69, hint: 'check the URL' }));
    await r.close();
    expect(lastBlock(writes)).toEqual(['dl-get: error: gone (DL_ERR_HTTP)', 'dl-get: hint: check the URL']);
    expect(text()).not.toContain('\x1b[2J');
  });

  it('stops its timer when nothing is left to draw', async () => {
    const { out } = capture();
    const r = new TtyRenderer({ out, columns: 80, color: false });
    r.onEvent(ev({ type: 'start', id: 'a', total: 1 }));
    r.onEvent(ev({ type: 'end', id: 'a', bytes: 1, durationMs: 1 }));
    vi.advanceTimersByTime(300);
    expect(vi.getTimerCount()).toBe(0);
    await r.close();
  });
});
