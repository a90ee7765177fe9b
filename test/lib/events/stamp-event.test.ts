import { describe, expect, it } from 'vitest';
import { stampEvent } from '../../../src/lib/events/stamp-event.js';
import { assertValidEvents } from '../../helpers/validate-events.js';

describe('stampEvent', () => {
  const now = () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));

  it('adds v, time and tool, base fields first, and the result validates', () => {
    const e = stampEvent('dl-hash', { type: 'progress', id: 'a.iso', bytes: 10, total: 20 }, now);
    expect(e).toEqual({ v: 1, type: 'progress', time: '2026-01-02T03:04:05.678Z', tool: 'dl-hash', id: 'a.iso', bytes: 10, total: 20 });
    expect(Object.keys(e).slice(0, 5)).toEqual(['v', 'type', 'time', 'tool', 'id']);
    assertValidEvents([JSON.stringify(e)]);
  });

  it('keeps extra fields but never lets them override the stamped ones', () => {
    const e = stampEvent('dl-get', { type: 'end', id: 'x', bytes: 1, durationMs: 2, tool: 'evil', v: 9, etag: '"a"' }, now);
    expect(e).toMatchObject({ v: 1, tool: 'dl-get', etag: '"a"' });
  });

  it('uses the wall clock by default', () => {
    const before = Date.now();
    const e = stampEvent('dl-get', { type: 'start', id: 'x', total: null });
    expect(Date.parse(e.time)).toBeGreaterThanOrEqual(before);
  });
});
