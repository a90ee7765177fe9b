import type { DlEvent, EventOf, EventType } from '../../../src/lib/events/types.js';

const base = { v: 1, time: '2026-01-02T03:04:05.678Z', tool: 'dl-get', id: 'disk.img' } as const;

/** One typed event of each type; the compiler checks them against types.ts. */
export const samples: { [T in EventType]: EventOf<T> } = {
  start: { ...base, type: 'start', name: 'disk.img', total: 1048576 },
  progress: { ...base, type: 'progress', bytes: 524288, total: null, rate: 1234.5 },
  retry: { ...base, type: 'retry', attempt: 2, delayMs: 1500, reason: 'ECONNRESET' },
  warn: { ...base, type: 'warn', code: 'DL_WARN_NO_RANGE', message: 'server ignores Range; downloading whole' },
  entry: { ...base, type: 'entry', name: 'etc/hosts', size: 12 },
  verify: { ...base, type: 'verify', algorithm: 'sha256', actual: 'ab', expected: 'ab', ok: true },
  end: { ...base, type: 'end', bytes: 1048576, durationMs: 812.5 },
  error: { ...base, type: 'error', code: 'DL_ERR_HTTP', message: '404 Not Found', exitCode: 69, hint: 'check the URL' },
};

export const sampleList: DlEvent[] = Object.values(samples);
