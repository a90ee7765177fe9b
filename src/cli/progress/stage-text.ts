import { formatBytes, formatDuration, formatRate } from './format-units.js';
import { averageRate, type Stage, type StageTable } from './stage-table.js';

/** A stage's whole run in words: "dl-get: done, 40.0 MiB in 8s (5.00 MiB/s)". */
export const describeStage = (s: Stage): string =>
  `${s.label}: ${s.state}, ${formatBytes(s.bytes)} in ${formatDuration((s.lastMs - s.firstMs) / 1000)} (${formatRate(averageRate(s))})`;

/**
 * What the table says about the bottleneck now (live) or over the whole run; undefined
 * when fewer than two stages were observed long enough, since there is nothing to compare.
 */
export function describeBottleneck(table: StageTable, live: boolean): string | undefined {
  const candidates = live ? table.comparable() : table.measured();
  if (candidates.length < 2) return undefined;
  const slow = live ? table.bottleneck() : table.slowestOverall();
  const rateOf = (s: Stage): number => (live ? (s.rate.rate ?? 0) : averageRate(s));
  const [first, second] = [...candidates].sort((a, b) => rateOf(a) - rateOf(b));
  const pair = `${first!.label} at ${formatRate(rateOf(first!))}, next ${second!.label} at ${formatRate(rateOf(second!))}`;
  return slow === undefined ? `no clear bottleneck: stages in step (${pair})` : `bottleneck: ${pair}`;
}

/** The end of a run: each stage's totals, then the bottleneck over the whole run. */
export function summaryLines(table: StageTable): string[] {
  const verdict = describeBottleneck(table, false);
  return [...table.all().map(describeStage), ...(verdict === undefined ? [] : [verdict])];
}
