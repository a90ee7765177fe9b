import { Writable } from 'node:stream';
import type { DownloadOptions } from '../download/download-options.js';
import { downloadToStream } from '../download/download-stream.js';
import type { EventInput } from '../events/types.js';
import { pickBest } from './pick-best.js';

export interface SegmentsRow {
  segments: number;
  bytes: number;
  durationMs: number;
  bytesPerSecond: number;
}

export interface UrlBenchResult {
  rows: SegmentsRow[];
  /** The fewest connections within 5% of the fastest: what to give `dl-get -s`. */
  best: SegmentsRow;
}

export interface UrlBenchOptions {
  /** Download settings; `segments` is set per run, `emit` receives each run's events. */
  download: Omit<DownloadOptions, 'segments' | 'emit' | 'id'>;
  segments: readonly number[];
  /** Event id per run, e.g. the redacted URL with "-s 4". */
  idFor: (segments: number) => string;
  emit: (e: EventInput) => void;
  now?: () => number;
}

/** A sink that takes bytes as fast as they come and keeps none. */
const discard = (): Writable => new Writable({ highWaterMark: 1 << 20, write: (_chunk, _enc, cb) => cb() });

/**
 * Download throughput per connection count, through dl-get's own download library (the
 * same segmenting, ordering and retries), every byte discarded. Runs one after another,
 * in the order given, so they do not compete for the link.
 */
export async function benchUrl(opts: UrlBenchOptions): Promise<UrlBenchResult> {
  const now = opts.now ?? (() => performance.now());
  const rows: SegmentsRow[] = [];
  for (const segments of opts.segments) {
    const t0 = now();
    const r = await downloadToStream({ ...opts.download, segments, id: opts.idFor(segments), emit: opts.emit, out: discard() });
    const durationMs = Math.max(now() - t0, 0.001);
    rows.push({ segments, bytes: r.bytes, durationMs, bytesPerSecond: (r.bytes * 1000) / durationMs });
  }
  return { rows, best: pickBest(rows)! };
}
