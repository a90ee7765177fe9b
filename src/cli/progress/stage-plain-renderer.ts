import type { Writable } from 'node:stream';
import type { DlEvent } from '../../lib/events/types.js';
import { PlainRenderer } from './plain-renderer.js';
import type { StageRenderer } from './stage-renderer.js';
import type { Stage, StageTable } from './stage-table.js';
import { describeBottleneck, summaryLines } from './stage-text.js';

export interface StagePlainRendererOptions {
  out: Writable;
  /** The stages, fed by the caller before each onEvent. */
  table: StageTable;
  /** Where passed-through lines go. */
  passOut: Writable;
  /** Least time between two progress or bottleneck lines (default 10 s, event time). */
  intervalMs?: number;
}

/**
 * Log lines for merged streams: each stage drawn by its own PlainRenderer (so items of
 * different tools with the same id never mix), plus a "dl-progress: bottleneck…" line
 * when the verdict changes, at most once an interval, and the run's summary at the end.
 */
export class StagePlainRenderer implements StageRenderer {
  private readonly renderers = new Map<string, PlainRenderer>();
  /** The key of the stage last named the bottleneck ('' for none). */
  private lastVerdict: string | undefined;
  private lastVerdictMs = -Infinity;

  constructor(private readonly opts: StagePlainRendererOptions) {}

  onEvent(e: DlEvent, stage: Stage): void {
    let r = this.renderers.get(stage.key);
    if (r === undefined) {
      r = new PlainRenderer({ out: this.opts.out, intervalMs: this.opts.intervalMs });
      this.renderers.set(stage.key, r);
    }
    r.onEvent(e);
    if (e.type === 'progress') this.verdict(Date.parse(e.time));
  }

  passThrough(line: string): void {
    this.opts.passOut.write(`${line}\n`);
  }

  warn(code: string, message: string): void {
    this.write(`warning: ${message} (${code})`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.renderers.values()].map((r) => r.close()));
    for (const line of summaryLines(this.opts.table)) this.write(line);
  }

  private verdict(at: number): void {
    const text = describeBottleneck(this.opts.table, true);
    const key = this.opts.table.bottleneck()?.key ?? '';
    if (text === undefined || key === this.lastVerdict || at - this.lastVerdictMs < (this.opts.intervalMs ?? 10_000)) return;
    this.lastVerdict = key;
    this.lastVerdictMs = at;
    this.write(text);
  }

  private write(text: string): void {
    this.opts.out.write(`dl-progress: ${text}\n`);
  }
}
