import { describe, expect, it } from 'vitest';
import { BatchProgress, BATCH_ID } from '../../../src/lib/batch/batch-progress.js';
import type { EventInput } from '../../../src/lib/events/types.js';

type Progress = Extract<EventInput, { type: 'progress' }>;

function run(jobs: number) {
  let t = 0;
  const events: EventInput[] = [];
  const progress = new BatchProgress(jobs, (e) => void events.push(e), () => t, 100);
  const totals = (): Progress[] => events.filter((e): e is Progress => e.type === 'progress' && e.id === BATCH_ID);
  return { progress, totals, advance: (ms: number) => void (t += ms) };
}

describe('BatchProgress', () => {
  it('reports the total at most once per interval while jobs end, and always at the last one', () => {
    const { progress, totals, advance } = run(5);
    for (const id of ['a', 'b', 'c', 'd']) {
      progress.jobEnded(id, 10);
      advance(10);
    }
    expect(totals().map((e) => e.jobsDone)).toEqual([1]);
    advance(100);
    progress.jobEnded('e', 10);
    expect(totals().map((e) => [e.jobsDone, e.bytes])).toEqual([
      [1, 10],
      [5, 50],
    ]);
  });

  it('counts running jobs and estimates the total from the sizes announced so far', () => {
    const { progress, totals, advance } = run(4);
    progress.onJobEvent({ type: 'start', id: 'a', total: 100 });
    advance(100);
    progress.onJobEvent({ type: 'progress', id: 'a', bytes: 40, total: 100 });
    // One size known among 4 jobs: 100 each, 400 in all.
    expect(totals().at(-1)).toMatchObject({ bytes: 40, total: 400, jobsDone: 0, jobs: 4 });
  });
});
