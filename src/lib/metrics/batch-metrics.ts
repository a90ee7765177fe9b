import type { MetricFamily } from './prometheus-text.js';

/** What a batch counts while it runs; families() turns it into Prometheus metrics. */
export class BatchMetrics {
  bytes = 0;
  fetched = 0;
  active = 0;
  readonly jobs = new Map<string, number>();
  readonly retries = new Map<string, number>();

  jobEnded(status: string, bytes: number, fetched: number): void {
    this.jobs.set(status, (this.jobs.get(status) ?? 0) + 1);
    this.bytes += bytes;
    this.fetched += fetched;
  }

  retried(host: string): void {
    this.retries.set(host, (this.retries.get(host) ?? 0) + 1);
  }

  families(): MetricFamily[] {
    const byLabel = (m: Map<string, number>, label: string) => [...m].sort().map(([k, value]) => ({ labels: { [label]: k }, value }));
    return [
      { name: 'dlkit_batch_bytes_total', help: 'Bytes of the files the batch produced (fetched, cached or skipped).', type: 'counter', samples: [{ value: this.bytes }] },
      { name: 'dlkit_batch_fetched_bytes_total', help: 'Bytes that came over the network.', type: 'counter', samples: [{ value: this.fetched }] },
      { name: 'dlkit_batch_jobs', help: 'Finished jobs by status.', type: 'gauge', samples: byLabel(this.jobs, 'status') },
      { name: 'dlkit_batch_retries_total', help: 'Retried requests by host.', type: 'counter', samples: byLabel(this.retries, 'host') },
      { name: 'dlkit_batch_active_downloads', help: 'Jobs running now.', type: 'gauge', samples: [{ value: this.active }] },
    ];
  }
}
