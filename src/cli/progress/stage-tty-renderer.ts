import type { Writable } from 'node:stream';
import type { DlEvent } from '../../lib/events/types.js';
import { describeEvent } from './describe-event.js';
import { LiveBlock } from './live-block.js';
import type { StageRenderer } from './stage-renderer.js';
import type { Stage, StageTable } from './stage-table.js';
import { describeBottleneck, summaryLines } from './stage-text.js';
import { sanitize, textWidth, truncate } from './terminal-text.js';
import { ttyLine } from './tty-line.js';

export interface StageTtyRendererOptions {
  out: Writable;
  /** The stages, fed by the caller before each onEvent. */
  table: StageTable;
  columns: number;
  color: boolean;
  /** Where passed-through lines go; without it they are printed above the block. */
  passOut?: Writable;
  fps?: number;
}

const MARK: Record<Stage['state'], string> = { running: '', done: ' (done)', failed: ' (failed)' };

/**
 * One line per stage at the bottom of the terminal, redrawn in place at most `fps` times
 * a second, with a last line naming the bottleneck. Finished items, warnings and errors,
 * and passed-through lines are printed above the block in the same write, as TtyRenderer
 * does for one command.
 */
export class StageTtyRenderer implements StageRenderer {
  private readonly names = new Map<string, string>();
  private above: string[] = [];
  private readonly screen: LiveBlock;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: StageTtyRendererOptions) {
    this.screen = new LiveBlock(opts.out);
  }

  onEvent(e: DlEvent, stage: Stage): void {
    const key = `${stage.key}\t${e.id}`;
    if (e.type === 'start') this.names.set(key, e.name ?? e.id);
    const lines = e.type === 'start' || e.type === 'progress' ? [] : describeEvent(e, this.names.get(key) ?? e.id);
    this.above.push(...lines.map((l) => truncate(`${stage.label}: ${l.text}`, this.opts.columns)));
    this.touch();
  }

  passThrough(line: string): void {
    if (this.opts.passOut) this.opts.passOut.write(`${line}\n`);
    else {
      this.above.push(truncate(sanitize(line), this.opts.columns));
      this.touch();
    }
  }

  warn(code: string, message: string): void {
    this.above.push(truncate(`dl-progress: warning: ${sanitize(message)} (${code})`, this.opts.columns));
    this.touch();
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.above.push(...summaryLines(this.opts.table));
    this.dirty = true;
    this.redraw(false);
    return Promise.resolve();
  }

  private touch(): void {
    this.dirty = true;
    this.timer ??= setInterval(() => this.redraw(true), 1000 / (this.opts.fps ?? 10)).unref();
  }

  private block(): string[] {
    const stages = this.opts.table.all();
    const slow = this.opts.table.bottleneck();
    const label = (s: Stage): string => sanitize(`${s.label}${s === slow ? ' (slowest)' : MARK[s.state]}`);
    const nameWidth = Math.max(0, ...stages.map((s) => textWidth(label(s))));
    const lines = stages.map((s) =>
      ttyLine({ name: label(s), bytes: s.bytes, total: s.total, rate: s.rate.rate, eta: s.rate.eta(s.total) }, this.opts.columns, nameWidth, this.opts.color),
    );
    const verdict = describeBottleneck(this.opts.table, true);
    return verdict === undefined ? lines : [...lines, truncate(verdict, this.opts.columns)];
  }

  /** One write: back to the block's top, lines above, the block (when live), erase below. */
  private redraw(live: boolean): void {
    if (!this.dirty) return;
    const block = live ? this.block() : [];
    this.screen.draw(this.above, block);
    this.above = [];
    this.dirty = false;
  }
}
