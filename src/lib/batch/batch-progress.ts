import type { EventInput } from '../events/types.js';

/** The event id of the batch's total line. */
export const BATCH_ID = 'total';

/**
 * Sums the jobs' progress into one `progress` event for the whole batch (id `total`),
 * which renderers draw as one more line, with its rate and ETA. Jobs not started yet
 * count at the average size of those that announced one, so the ETA covers the whole
 * batch, not just the running jobs. At most one event per `intervalMs`.
 */
export class BatchProgress {
  private readonly done = new Map<string, number>();
  private readonly totals = new Map<string, number>();
  private finishedBytes = 0;
  private finished = 0;
  private last = -Infinity;

  constructor(
    private readonly jobs: number,
    private readonly emit: (e: EventInput) => void,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 100,
  ) {
    emit({ type: 'start', id: BATCH_ID, name: `total (${jobs} jobs)`, total: null, jobs });
  }

  /** Feed every event of a job through here. */
  onJobEvent(e: EventInput): void {
    if (e.type === 'start' && typeof e.total === 'number') this.totals.set(e.id, e.total);
    else if (e.type === 'progress') this.done.set(e.id, e.bytes);
    else return;
    this.tick(false);
  }

  /**
   * A job is over (whatever its status): its bytes move to the finished sum. Only the
   * last job's end is always reported: a batch of small files ends hundreds of jobs a
   * second, and one total line per job would cost more than the jobs.
   */
  jobEnded(id: string, bytes: number): void {
    this.done.delete(id);
    this.totals.delete(id);
    this.finished++;
    this.finishedBytes += bytes;
    this.tick(this.finished === this.jobs);
  }

  private tick(force: boolean): void {
    const t = this.now();
    if (!force && t - this.last < this.intervalMs) return;
    this.last = t;
    let bytes = this.finishedBytes;
    for (const b of this.done.values()) bytes += b;
    this.emit({ type: 'progress', id: BATCH_ID, bytes, total: this.estimatedTotal(), jobsDone: this.finished, jobs: this.jobs });
  }

  private estimatedTotal(): number | null {
    const known = [...this.totals.values()];
    const sized = this.finished + known.length;
    if (sized === 0) return null;
    const sum = this.finishedBytes + known.reduce((a, b) => a + b, 0);
    return Math.round(sum + (sum / sized) * (this.jobs - sized));
  }
}
