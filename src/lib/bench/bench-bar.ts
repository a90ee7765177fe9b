import type { Writable } from 'node:stream';
import { formatSize } from '../device/drive.js';
import type { EventInput } from '../events/types.js';
import { paintSpeed } from './speed-class.js';

export interface BenchBarOptions {
  out: Writable;
  columns: number;
  color: boolean;
  /** Most redraws per second. */
  fps?: number;
}

interface Running {
  label: string;
  total: number;
  started: number;
}

interface State {
  label: string;
  bytes: number;
  total: number;
  rate: number;
}

/**
 * The terminal line of a running measurement: "write 2/3 [#####.....] 48% 31.0 MiB/64.0
 * MiB 120 MiB/s", the bar in the colour of its speed class, redrawn in place by a timer.
 * Finished measurements print a line above it that stays.
 */
export class BenchBar {
  #state: State | undefined;
  #timer: NodeJS.Timeout | undefined;
  #drawn = false;
  readonly #running = new Map<string, Running>();

  constructor(private readonly opts: BenchBarOptions) {}

  /** Draws the start, progress and end events of measurements; other events are not its own. */
  onEvent(e: EventInput, at = performance.now()): void {
    if (e.type === 'start') this.#running.set(e.id, { label: e.name ?? e.id, total: e.total ?? 0, started: at });
    const run = this.#running.get(e.id);
    if (run === undefined) return;
    const rate = (bytes: number): number => (bytes * 1000) / Math.max(1, at - run.started);
    if (e.type === 'progress') this.update(run.label, e.bytes, e.total ?? run.total, rate(e.bytes));
    if (e.type === 'end') {
      this.#running.delete(e.id);
      const bps = (e.bytes * 1000) / Math.max(0.001, e.durationMs);
      this.#state = undefined;
      this.print(`${run.label}: ${formatSize(e.bytes)} in ${(e.durationMs / 1000).toFixed(2)}s, ${formatSize(bps)}/s`, bps);
    }
  }

  update(label: string, bytes: number, total: number, rate: number): void {
    this.#state = { label, bytes, total, rate };
    this.#timer ??= setInterval(() => this.#draw(), 1000 / (this.opts.fps ?? 10)).unref();
  }

  /** A line kept above the bar (a finished pass, a warning). */
  print(text: string, rate?: number): void {
    const shown = rate === undefined ? text : paintSpeed(text, rate, this.opts.color);
    this.opts.out.write(`${this.#drawn ? '\r\x1b[2K' : ''}${shown}\n`);
    this.#drawn = false;
    this.#draw();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawn) this.opts.out.write('\r\x1b[2K');
    this.#drawn = false;
    this.#state = undefined;
  }

  #draw(): void {
    const s = this.#state;
    if (s === undefined) return;
    const pct = Math.min(100, Math.floor((s.bytes * 100) / Math.max(1, s.total)));
    const stats = `${String(pct).padStart(3)}%  ${formatSize(s.bytes)}/${formatSize(s.total)}  ${formatSize(s.rate)}/s`;
    const width = Math.max(0, Math.min(30, this.opts.columns - s.label.length - stats.length - 5));
    const filled = Math.round((width * pct) / 100);
    const bar = width < 6 ? '' : ` [${paintSpeed('#'.repeat(filled), s.rate, this.opts.color)}${'.'.repeat(width - filled)}]`;
    this.opts.out.write(`\r\x1b[2K${s.label}${bar}  ${stats}`);
    this.#drawn = true;
  }
}
