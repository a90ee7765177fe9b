import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { throttleProgress } from '../../../src/lib/events/throttle-progress.js';

type Ev = { type: string; id: string; n?: number };

const p = (id: string, n: number): Ev => ({ type: 'progress', id, n });
const values: Record<string, Ev> = {
  s: { type: 'start', id: 'a' },
  a: p('a', 1),
  b: p('a', 2),
  c: p('a', 3),
  d: p('a', 4),
  x: p('b', 1),
  y: p('b', 2),
  w: { type: 'warn', id: 'a' },
  e: { type: 'end', id: 'a' },
  f: { type: 'end', id: 'b' },
  r: { type: 'error', id: 'job' },
};

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('throttleProgress (10/s = one per 100 ms and id)', () => {
  it('passes the first at once, holds later ones and sends the latest at the interval end', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('   s a 10ms b 10ms c 200ms d|', values);
      const expected = '   s a 99ms c 122ms d|';
      expectObservable(src.pipe(throttleProgress())).toBe(expected, values);
    });
  });

  it('flushes the held progress right before its end; other types pass in order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('   a 5ms b 5ms w 5ms e', values);
      const expected = '   a 11ms w 5ms (be)';
      expectObservable(src.pipe(throttleProgress())).toBe(expected, values);
    });
  });

  it('throttles each id on its own', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('   a x 5ms b y 150ms -|', values);
      const expected = '   a x 98ms b y 58ms |';
      expectObservable(src.pipe(throttleProgress())).toBe(expected, values);
    });
  });

  it('flushes every held progress before an error event, the last line of a failed run', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('   a x 5ms b y 5ms r', values);
      const expected = '   a x 12ms (byr)';
      expectObservable(src.pipe(throttleProgress())).toBe(expected, values);
    });
  });

  it('flushes held progress when the source completes or errors', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a b|', values).pipe(throttleProgress())).toBe('a - (b|)', values);
      expectObservable(cold('a b#', values).pipe(throttleProgress())).toBe('a - (b#)', values);
    });
  });

  it('sends at most perSecond per second under a flood, and the last one before end', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // One progress per ms for 1 s, then end, throttled to 4/s.
      const flood = { z: p('a', 0), l: p('a', 999), e: values.e! };
      const src = cold(`${'z'.repeat(999)}le`, flood);
      const expected = 'z 249ms z 249ms z 249ms z 249ms (le)';
      expectObservable(src.pipe(throttleProgress({ perSecond: 4 }))).toBe(expected, flood);
    });
  });
});
