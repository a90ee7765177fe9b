import type { Writable } from 'node:stream';
import type { DlEvent } from '../../lib/events/types.js';
import { describeEvent, type HumanLine, type Tone } from './describe-event.js';
import type { ProgressRenderer } from './progress-renderer.js';
import { RateEstimator } from './rate-estimator.js';
import { sanitize, textWidth, truncate } from './terminal-text.js';
import { LiveBlock } from './live-block.js';
import { ttyLine } from './tty-line.js';

export interface TtyRendererOptions {
  out: Writable;
  /** Terminal width; lines are cut to it so they never wrap. */
  columns: number;
  color: boolean;
  /** Most redraws per second (default 10). */
  fps?: number;
}

interface Item {
  name: string;
  bytes: number;
  total: number | null;
  rate: RateEstimator;
}

const ESC = '\x1b[';
const TONES: Record<Tone, string> = { info: '', good: `${ESC}32m`, warn: `${ESC}33m`, bad: `${ESC}31m` };

/**
 * A block of one line per active item at the bottom of the terminal, redrawn in place by a
 * timer from the latest state, so a flood of events costs at most `fps` writes a second.
 * Lines about finished items, warnings, retries and errors are printed above the block in
 * the same write that redraws it, so the block never flickers away.
 */
export class TtyRenderer implements ProgressRenderer {
  private readonly items = new Map<string, Item>();
  private above: string[] = [];
  private readonly screen: LiveBlock;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: TtyRendererOptions) {
    this.screen = new LiveBlock(opts.out);
  }

  onEvent(e: DlEvent): void {
    if (e.type === 'start') this.items.set(e.id, { name: sanitize(e.name ?? e.id), bytes: 0, total: e.total, rate: new RateEstimator() });
    else if (e.type === 'progress') this.onProgress(e.id, e.bytes, e.total, Date.parse(e.time));
    const name = this.items.get(e.id)?.name ?? e.id;
    if (e.type === 'end' || e.type === 'error') this.items.delete(e.id);
    if (e.type !== 'start') this.above.push(...describeEvent(e, name).map((l) => this.aboveLine(e.tool, l)));
    this.dirty = true;
    this.timer ??= setInterval(() => this.redraw(), 1000 / (this.opts.fps ?? 10)).unref();
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.redraw();
    return Promise.resolve();
  }

  private onProgress(id: string, bytes: number, total: number | null, at: number): void {
    let item = this.items.get(id);
    if (item === undefined) {
      item = { name: sanitize(id), bytes, total, rate: new RateEstimator() };
      this.items.set(id, item);
    }
    item.bytes = bytes;
    item.total = total;
    item.rate.update(bytes, at);
  }

  private aboveLine(tool: string, line: HumanLine): string {
    const text = truncate(`${tool}: ${line.text}`, this.opts.columns);
    const tone = this.opts.color ? TONES[line.tone] : '';
    return tone === '' ? text : `${tone}${text}${ESC}0m`;
  }

  /** One write: back to the block's top, lines above, the block, erase what is left below. */
  private redraw(): void {
    if (!this.dirty) {
      if (this.items.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
      return;
    }
    const nameWidth = Math.max(0, ...[...this.items.values()].map((i) => textWidth(i.name)));
    const block = [...this.items.values()].map((i) =>
      ttyLine({ ...i, rate: i.rate.rate, eta: i.rate.eta(i.total) }, this.opts.columns, nameWidth, this.opts.color),
    );
    this.screen.draw(this.above, block);
    this.above = [];
    this.dirty = false;
  }
}
