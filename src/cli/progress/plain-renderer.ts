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
  /** Items done sooner than this print no start and done lines (default 2 s). */
  quietUnderMs?: number;
}

interface PlainItem {
  name: string;
  /** The start line, held until the item has run for quietUnderMs. */
  pendingStart: string[] | undefined;
  startMs: number;
  lastLineMs: number;
  lastPercent: number;
  rate: RateEstimator;
}

/**
 * Log lines for CI and files, "<tool>: <what>", one per event that matters. Progress is
 * printed when both the time and the percent step have passed, whichever comes later, so
 * a fast job does not flood the log and a slow one still shows it is alive. An item done
 * within quietUnderMs prints neither start nor done (hashing a thousand small files logs
 * nothing, like sha256sum); warnings, retries and errors always print. Time comes from the
 * events themselves.
 */
export class PlainRenderer implements ProgressRenderer {
  private readonly items = new Map<string, PlainItem>();
  private readonly intervalMs: number;
  private readonly stepPercent: number;

  constructor(private readonly opts: PlainRendererOptions) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.stepPercent = opts.stepPercent ?? 10;
    this.quietUnderMs = opts.quietUnderMs ?? 2_000;
  }

  private readonly quietUnderMs: number;

  onEvent(e: DlEvent): void {
    const at = Date.parse(e.time);
    if (e.type === 'progress') return this.onProgress(e, at);
    if (e.type === 'start') return this.onStart(e, at);
    const item = this.items.get(e.id);
    if (e.type === 'end' || e.type === 'error') this.items.delete(e.id);
    // A warning or error about an item comes after its start line; a quick end ends it silently.
    if (item !== undefined) this.announce(e.tool, item, e.type === 'end' ? at : Infinity);
    if (e.type === 'end' && item?.pendingStart !== undefined) return;
    for (const line of describeEvent(e, item?.name ?? e.id)) this.write(e.tool, line.text);
  }

  private onStart(e: DlEvent & { type: 'start' }, at: number): void {
    const name = e.name ?? e.id;
    const pendingStart = describeEvent(e, name).map((line) => line.text);
    this.items.set(e.id, { name, pendingStart, startMs: at, lastLineMs: at, lastPercent: 0, rate: new RateEstimator() });
  }

  /** Prints an item's held start line once it has run for quietUnderMs. */
  private announce(tool: string, item: PlainItem, at: number): void {
    if (item.pendingStart === undefined || at - item.startMs < this.quietUnderMs) return;
    for (const text of item.pendingStart) this.write(tool, text);
    item.pendingStart = undefined;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private onProgress(e: ProgressEvent, at: number): void {
    const { id, bytes, total } = e;
    let item = this.items.get(id);
    if (item === undefined) {
      // Progress without a start (a consumer joined late): its first line waits a full interval.
      item = { name: id, pendingStart: undefined, startMs: at, lastLineMs: at, lastPercent: 0, rate: new RateEstimator() };
      this.items.set(id, item);
    }
    item.rate.update(bytes, at);
    this.announce(e.tool, item, at);
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
