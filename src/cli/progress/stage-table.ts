import type { DlEvent } from '../../lib/events/types.js';
import { WindowRate } from './window-rate.js';

/** One stage of a pipeline: one tool writing events into one input of dl-progress. */
export interface Stage {
  key: string;
  tool: string;
  /** The tool, with " #2", " #3" when the same tool runs in several stages. */
  label: string;
  state: 'running' | 'done' | 'failed';
  /** Bytes through the stage so far, over all its items, in the unit the tool counts. */
  bytes: number;
  /** Sum of the items' totals, null while any is unknown. */
  total: number | null;
  /** Throughput over the last seconds: the number compared between stages. */
  rate: WindowRate;
  /** Event times (ms) of the stage's first and latest events. */
  firstMs: number;
  lastMs: number;
}

interface ItemState {
  bytes: number;
  total: number | null;
  progressSeen: boolean;
  open: boolean;
}

/**
 * How far below the next slowest stage the slowest must be to be called the bottleneck.
 * Stages coupled by pipes with backpressure all settle at the pace of the slowest one, so
 * their rates match within noise; below this gap the table names no stage rather than
 * guess one (see dl-progress(1), BOTTLENECK).
 */
export const BOTTLENECK_GAP = 0.8;

/** A stage's live rate is compared only once its window spans this much event time. */
export const SETTLE_MS = 2000;

/**
 * The stages of the merged event streams and their throughput. A stage is keyed by the
 * input it came from and its tool, so `dl-hash -p` and `dl-unpack`, both reporting an item
 * named "-", stay apart. Time comes from the events, so a replayed file reads the same.
 */
export class StageTable {
  private readonly stages = new Map<string, Stage>();
  private readonly items = new Map<string, Map<string, ItemState>>();

  /** Records one event read from input number `source`; returns its stage. */
  onEvent(e: DlEvent, source: number): Stage {
    const at = Date.parse(e.time);
    const stage = this.stageFor(`${source}\t${e.tool}`, e.tool, at);
    const items = this.items.get(stage.key)!;
    stage.lastMs = Math.max(stage.lastMs, at);
    const item = items.get(e.id);
    if (e.type === 'start') items.set(e.id, { bytes: 0, total: e.total, progressSeen: false, open: true });
    if (e.type === 'progress') items.set(e.id, { bytes: e.bytes, total: e.total, progressSeen: true, open: true });
    if (e.type === 'end') {
      // A tool's `end.bytes` may count its output (dl-unpack) where its progress counted input.
      const bytes = item?.progressSeen === true ? item.bytes : e.bytes;
      items.set(e.id, { bytes, total: item?.total ?? null, progressSeen: true, open: false });
    }
    this.sum(stage, items);
    stage.rate.update(stage.bytes, at);
    if (stage.state === 'failed') return stage;
    if (e.type === 'error') stage.state = 'failed';
    else if (e.type === 'end') stage.state = [...items.values()].some((i) => i.open) ? 'running' : 'done';
    else if (e.type === 'start' || e.type === 'progress') stage.state = 'running';
    return stage;
  }

  all(): Stage[] {
    return [...this.stages.values()];
  }

  /**
   * The running stage with the lowest smoothed rate, when at least two comparable stages
   * run and it is below BOTTLENECK_GAP times the next slowest; otherwise undefined.
   */
  bottleneck(): Stage | undefined {
    return slowestClearly(this.comparable(), (s) => s.rate.rate!);
  }

  /** Running stages observed long enough to have a rate worth comparing. */
  comparable(): Stage[] {
    return this.all().filter((s) => s.state === 'running' && s.rate.spanMs >= SETTLE_MS);
  }

  /** Stages that ran long enough for their average rate to mean something. */
  measured(): Stage[] {
    return this.all().filter((s) => s.lastMs - s.firstMs >= SETTLE_MS);
  }

  /**
   * Over the whole run: the stage with the lowest average rate, by the same rule, among
   * the measured ones (in a short run, start-up lag alone would decide).
   */
  slowestOverall(): Stage | undefined {
    return slowestClearly(this.measured(), averageRate);
  }

  private stageFor(key: string, tool: string, at: number): Stage {
    let stage = this.stages.get(key);
    if (stage === undefined) {
      const same = this.all().filter((s) => s.key.endsWith(`\t${tool}`)).length;
      const label = same === 0 ? tool : `${tool} #${same + 1}`;
      stage = { key, tool, label, state: 'running', bytes: 0, total: null, rate: new WindowRate(), firstMs: at, lastMs: at };
      this.stages.set(key, stage);
      this.items.set(key, new Map());
    }
    return stage;
  }

  private sum(stage: Stage, items: Map<string, ItemState>): void {
    const all = [...items.values()];
    stage.bytes = all.reduce((n, i) => n + i.bytes, 0);
    stage.total = all.some((i) => i.total === null) ? null : all.reduce((n, i) => n + (i.total ?? 0), 0);
  }
}

/** Bytes per second from the stage's first to its latest event. */
export const averageRate = (s: Stage): number => (s.lastMs > s.firstMs ? (s.bytes * 1000) / (s.lastMs - s.firstMs) : 0);

function slowestClearly(stages: Stage[], rateOf: (s: Stage) => number): Stage | undefined {
  if (stages.length < 2) return undefined;
  const [slowest, next] = [...stages].sort((a, b) => rateOf(a) - rateOf(b));
  return rateOf(slowest!) < BOTTLENECK_GAP * rateOf(next!) ? slowest : undefined;
}
