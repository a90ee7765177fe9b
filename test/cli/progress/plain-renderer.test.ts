import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlainRenderer } from '../../../src/cli/progress/plain-renderer.js';
import { stampEvent } from '../../../src/lib/events/stamp-event.js';
import type { EventInput } from '../../../src/lib/events/types.js';
import { capture } from './capture.js';

const ev = (e: EventInput) => stampEvent('dl-get', e);
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
afterEach(() => vi.useRealTimers());

/** Progress every 100 ms for `seconds`, at `bytesPerSecond`. */
function run(r: PlainRenderer, seconds: number, bytesPerSecond: number, total: number | null): void {
  r.onEvent(ev({ type: 'start', id: 'img', name: 'disk.img', total }));
  for (let t = 1; t <= seconds * 10; t++) {
    vi.advanceTimersByTime(100);
    r.onEvent(ev({ type: 'progress', id: 'img', bytes: (t * bytesPerSecond) / 10, total }));
  }
  r.onEvent(ev({ type: 'end', id: 'img', bytes: seconds * bytesPerSecond, durationMs: seconds * 1000 }));
}

describe('PlainRenderer', () => {
  it('an item done within 2 s prints nothing; one that runs longer gets its start line late', () => {
    const { out, text } = capture();
    const r = new PlainRenderer({ out });
    run(r, 1, 1024, 1024);
    expect(text()).toBe('');
    run(r, 3, 1024, 3 * 1024);
    expect(lines(text())).toEqual(['dl-get: start disk.img (3.00 KiB)', 'dl-get: done disk.img: 3.00 KiB in 3s (1.00 KiB/s)']);
  });

  it('a warning about a quick item still prints, after its start line', () => {
    const { out, text } = capture();
    const r = new PlainRenderer({ out });
    r.onEvent(ev({ type: 'start', id: 'img', name: 'disk.img', total: 10 }));
    r.onEvent(ev({ type: 'warn', id: 'img', code: 'DL_WARN_X', message: 'odd' }));
    r.onEvent(ev({ type: 'end', id: 'img', bytes: 10, durationMs: 5 }));
    expect(lines(text())).toEqual(['dl-get: start disk.img (10 B)', 'dl-get: warning: odd (DL_WARN_X)', expect.stringMatching(/^dl-get: done disk\.img/)]);
  });

  it('a job 10% per 6 s: the 10 s interval rules', () => {
    const { out, text } = capture();
    run(new PlainRenderer({ out }), 60, 1024, 60 * 1024);
    const all = lines(text());
    expect(all[0]).toBe('dl-get: start disk.img (60.0 KiB)');
    expect(all.filter((l) => l.includes('%')).map((l) => /(\d+)%/.exec(l)![1])).toEqual(['16', '33', '50', '66', '83', '100']);
    expect(all.at(-1)).toBe('dl-get: done disk.img: 60.0 KiB in 1m00s (1.00 KiB/s)');
  });

  it('a job 10% per 20 s: the 10% step rules', () => {
    const { out, text } = capture();
    run(new PlainRenderer({ out }), 200, 1024, 200 * 1024);
    const pct = lines(text()).filter((l) => l.includes('%'));
    expect(pct.map((l) => /(\d+)%/.exec(l)![1])).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
    expect(pct[0]).toBe('dl-get: disk.img 20.0 KiB/200 KiB 10% 1.00 KiB/s');
  });

  it('with an unknown total, one line per interval', () => {
    const { out, text } = capture();
    run(new PlainRenderer({ out, intervalMs: 5000 }), 30, 2048, null);
    const progress = lines(text()).filter((l) => l.includes('/s') && !l.includes('done'));
    expect(progress).toHaveLength(6);
    expect(progress[0]).toBe('dl-get: disk.img 10.0 KiB 2.00 KiB/s');
  });

  it('prints retry, warn and error lines with the tool name, and nothing for entry or verify', () => {
    const { out, text } = capture();
    const r = new PlainRenderer({ out });
    r.onEvent(ev({ type: 'retry', id: 'u', attempt: 2, delayMs: 1500, reason: 'ECONNRESET' }));
    r.onEvent(ev({ type: 'warn', id: 'u', code: 'DL_WARN_NO_RANGE', message: 'no ranges' }));
    r.onEvent(ev({ type: 'entry', id: 'u', name: 'etc/hosts' }));
    r.onEvent(ev({ type: 'verify', id: 'u', algorithm: 'sha256', actual: 'ab', ok: true }));
    r.onEvent(ev({ type: 'error', id: 'u', code: 'DL_ERR_HTTP', message: '404 Not Found', exitCode: 69 }));
    expect(lines(text())).toEqual([
      'dl-get: retry 2 for u in 2s: ECONNRESET',
      'dl-get: warning: no ranges (DL_WARN_NO_RANGE)',
      'dl-get: error: 404 Not Found (DL_ERR_HTTP)',
    ]);
  });
});
