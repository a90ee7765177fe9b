import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { scheduleJobs } from '../../../src/lib/batch/schedule-jobs.js';

interface Job {
  name: string;
  host: string;
  priority: number;
}

/** Runs jobs that each take `ms`, recording the most running at once, overall and per host. */
async function observe(jobs: Job[], concurrency: number, perHost?: number, ms = 5) {
  const running = new Map<string, number>();
  const peak = { all: 0, host: new Map<string, number>() };
  let now = 0;
  const order: string[] = [];
  await scheduleJobs(jobs, {
    concurrency,
    perHost,
    signal: new AbortController().signal,
    run: async (job) => {
      order.push(job.name);
      now++;
      running.set(job.host, (running.get(job.host) ?? 0) + 1);
      peak.all = Math.max(peak.all, now);
      peak.host.set(job.host, Math.max(peak.host.get(job.host) ?? 0, running.get(job.host)!));
      await sleep(ms);
      now--;
      running.set(job.host, running.get(job.host)! - 1);
      return job.name;
    },
    notRun: (job) => `not run ${job.name}`,
    onResult: () => undefined,
  });
  return { peak, order };
}

const jobsOf = (spec: [host: string, n: number][]): Job[] => spec.flatMap(([host, n]) => Array.from({ length: n }, (_, i) => ({ name: `${host}${i}`, host, priority: 0 })));

describe('scheduleJobs', () => {
  it('runs at most -j jobs at once and at most --per-host of one host', async () => {
    const { peak } = await observe(jobsOf([['a', 12], ['b', 12], ['c', 2]]), 6, 2);
    expect(peak.all).toBe(6);
    expect(Math.max(...peak.host.values())).toBe(2);
  });

  it('a host at its cap does not hold back the others', async () => {
    const { order } = await observe(jobsOf([['a', 6], ['b', 2]]), 3, 1);
    expect(order.slice(0, 2).sort()).toEqual(['a0', 'b0']);
  });

  it('without a per-host cap, one host gets every slot', async () => {
    const { peak } = await observe(jobsOf([['a', 10]]), 4);
    expect(peak.all).toBe(4);
  });

  it('picks by priority across hosts, FIFO within a priority', async () => {
    const jobs: Job[] = [
      { name: 'a-low', host: 'a', priority: 0 },
      { name: 'b-high', host: 'b', priority: 2 },
      { name: 'a-high', host: 'a', priority: 2 },
      { name: 'b-low', host: 'b', priority: 0 },
    ];
    const { order } = await observe(jobs, 1);
    expect(order).toEqual(['b-high', 'a-high', 'a-low', 'b-low']);
  });

  it('after an abort, queued jobs get their not-run result and no new job starts', async () => {
    const stop = new AbortController();
    const results: string[] = [];
    await scheduleJobs(jobsOf([['a', 5]]), {
      concurrency: 1,
      signal: stop.signal,
      run: async (job) => {
        stop.abort();
        return job.name;
      },
      notRun: (job) => `not run ${job.name}`,
      onResult: (r) => results.push(r),
    });
    expect(results).toEqual(['a0', 'not run a1', 'not run a2', 'not run a3', 'not run a4']);
  });
});
