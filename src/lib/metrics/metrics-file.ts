import { writeFileAtomic } from '../fs/atomic-write.js';
import { formatMetrics, type MetricFamily } from './prometheus-text.js';

export interface MetricsFile {
  /** Writes the current values now (one write at a time). */
  flush(): Promise<void>;
  /** Stops the timer and writes the final values. */
  close(): Promise<void>;
}

/**
 * Rewrites a Prometheus textfile every `intervalMs` and on close, atomically (temp file
 * and rename), so the collector never reads half a file.
 */
export function startMetricsFile(path: string, families: () => MetricFamily[], intervalMs = 5000): MetricsFile {
  let chain = Promise.resolve();
  const flush = (): Promise<void> => (chain = chain.catch(() => undefined).then(() => writeFileAtomic(path, formatMetrics(families()))));
  const timer = setInterval(() => void flush().catch(() => undefined), intervalMs).unref();
  return {
    flush,
    close: () => {
      clearInterval(timer);
      return flush();
    },
  };
}
