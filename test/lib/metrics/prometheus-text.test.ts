import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { BatchMetrics } from '../../../src/lib/metrics/batch-metrics.js';
import { startMetricsFile } from '../../../src/lib/metrics/metrics-file.js';
import { formatMetrics } from '../../../src/lib/metrics/prometheus-text.js';

describe('Prometheus textfile', () => {
  it('escapes help text and label values so a parser reads them back', () => {
    const text = formatMetrics([{ name: 'x_total', help: 'a \\ b\nc', type: 'counter', samples: [{ labels: { host: 'h"1\\\n' }, value: 3 }] }]);
    const [family] = parsePrometheusTextFormat(text);
    expect(family).toMatchObject({ name: 'x_total', type: 'COUNTER', metrics: [{ labels: { host: 'h"1\\\n' }, value: '3' }] });
  });

  it('the batch metrics file is replaced atomically and holds every family', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlkit-metrics-'));
    try {
      const m = new BatchMetrics();
      m.jobEnded('ok', 100, 100);
      m.jobEnded('cached', 50, 0);
      m.retried('h:1');
      const file = startMetricsFile(join(dir, 'dl.prom'), () => m.families(), 60_000);
      await file.flush();
      m.jobEnded('failed', 0, 0);
      await file.close();
      expect(await readdir(dir)).toEqual(['dl.prom']);
      const names = parsePrometheusTextFormat(await readFile(join(dir, 'dl.prom'), 'utf8')).map((f) => [f.name, f.metrics.length]);
      expect(names).toEqual([
        ['dlkit_batch_bytes_total', 1],
        ['dlkit_batch_fetched_bytes_total', 1],
        ['dlkit_batch_jobs', 3],
        ['dlkit_batch_retries_total', 1],
        ['dlkit_batch_active_downloads', 1],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
