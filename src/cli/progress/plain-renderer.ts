import type { Writable } from 'node:stream';
import type { DlEvent, ProgressEvent } from '../../lib/events/types.js';
import { describeEvent, describeProgress } from './describe-event.js';
import type { ProgressRenderer } from './progress-renderer.js';
import { RateEstimator } from './rate-estimator.js';
import { sanitize } from './terminal-text.js';

export interface PlainRendererOptions {
  out: Writable;
  /** Least time between two progress lines of an item (default 10 s). */
  intervalMs?: number;
  /** Least progress between two progress lines of an item with a known total (default 10%). */
  stepPercent?: number;
}

interface PlainItem {
  name: string;
  lastLineMs: number;
  lastPercent: number;
  rate: RateEstimator;
}

/**
 * Log lines for CI and files, "<tool>: <what>", one per event that matters. Progress is
 * printed when both the time and the percent step have passed, whichever comes later, so
 * a fast job does not flood the log and a slow one still shows it is alive. Time comes from
 * the events themselves.
 */
export class PlainRenderer implements ProgressRenderer {
  private readonly items = new Map<string, PlainItem>();
  private readonly intervalMs: number;
  private readonly stepPercent: number;

  constructor(private readonly opts: PlainRendererOptions) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.stepPercent = opts.stepPercent ?? 10;
  }

  onEvent(e: DlEvent): void {
    const at = Date.parse(e.time);
    if (e.type === 'start') this.items.set(e.id, { name: e.name ?? e.id, lastLineMs: at, lastPercent: 0, rate: new RateEstimator() });
    if (e.type === 'progress') return this.onProgress(e, at);
    const name = this.items.get(e.id)?.name ?? e.id;
    if (e.type === 'end' || e.type === 'error') this.items.delete(e.id);
    for (const line of describeEvent(e, name)) this.write(e.tool, line.text);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private onProgress(e: ProgressEvent, at: number): void {
    const { id, bytes, total } = e;
    let item = this.items.get(id);
    if (item === undefined) {
      // Progress without a start (a consumer joined late): its first line waits a full interval.
      item = { name: id, lastLineMs: at, lastPercent: 0, rate: new RateEstimator() };
      this.items.set(id, item);
    }
    item.rate.update(bytes, at);
    const pct = total === null || total === 0 ? undefined : (bytes * 100) / total;
    if (at - item.lastLineMs < this.intervalMs) return;
    if (pct !== undefined && pct - item.lastPercent < this.stepPercent) return;
    item.lastLineMs = at;
    item.lastPercent = pct ?? 0;
    this.write(e.tool, `${sanitize(item.name)} ${describeProgress(bytes, total, item.rate.rate)}`);
  }

  private write(tool: string, text: string): void {
    this.opts.out.write(`${tool}: ${text}\n`);
  }
}
