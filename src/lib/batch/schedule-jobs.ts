import { PriorityQueue } from './priority-queue.js';

/** What the scheduler needs to know of a job. */
export interface Schedulable {
  /** Host (and port) the job connects to first; the per-host cap counts by it. */
  host: string;
  priority: number;
}

export interface ScheduleOptions<J, R> {
  /** Jobs running at once (`-j`). */
  concurrency: number;
  /** Jobs of one host running at once (`--per-host`); undefined: only `concurrency`. */
  perHost?: number;
  /** Stops starting jobs and aborts the running ones (SIGINT, --fail-fast). */
  signal: AbortSignal;
  /** Runs one job; must settle with a result, never reject. */
  run: (job: J, signal: AbortSignal) => Promise<R>;
  /** The result of a job that never started because the batch stopped. */
  notRun: (job: J) => R;
  /** Called once per job as it finishes, in completion order. */
  onResult: (result: R, job: J) => void;
}

interface Waiting<J> {
  job: J;
  order: number;
}

/**
 * Runs jobs `concurrency` at a time, higher priority first and FIFO within a priority,
 * never more than `perHost` of one host at once. Each host has its own queue; the next
 * job is the best head among hosts with a free slot, so a capped host never blocks the
 * others. Resolves when every job has a result.
 */
export function scheduleJobs<J extends Schedulable, R>(jobs: readonly J[], o: ScheduleOptions<J, R>): Promise<void> {
  const queues = new Map<string, PriorityQueue<Waiting<J>>>();
  jobs.forEach((job, order) => {
    let q = queues.get(job.host);
    if (!q) queues.set(job.host, (q = new PriorityQueue()));
    q.push({ job, order }, job.priority);
  });
  const active = new Map<string, number>();
  const cap = o.perHost ?? Infinity;
  let running = 0;

  const next = (): J | undefined => {
    let best: PriorityQueue<Waiting<J>> | undefined;
    let bestHead: { item: Waiting<J>; priority: number } | undefined;
    for (const [host, q] of queues) {
      const head = q.peek();
      if (!head || (active.get(host) ?? 0) >= cap) continue;
      if (!bestHead || head.priority > bestHead.priority || (head.priority === bestHead.priority && head.item.order < bestHead.item.order)) {
        [best, bestHead] = [q, head];
      }
    }
    return best?.shift()?.job;
  };

  return new Promise((resolve) => {
    const pump = (): void => {
      if (o.signal.aborted) for (const q of queues.values()) for (const w of q.drain()) o.onResult(o.notRun(w.job), w.job);
      for (let job = running < o.concurrency ? next() : undefined; job; job = running < o.concurrency ? next() : undefined) start(job);
      if (running === 0) resolve();
    };
    const start = (job: J): void => {
      running++;
      active.set(job.host, (active.get(job.host) ?? 0) + 1);
      void o.run(job, o.signal).then((result) => {
        running--;
        active.set(job.host, active.get(job.host)! - 1);
        o.onResult(result, job);
        pump();
      });
    };
    pump();
  });
}
