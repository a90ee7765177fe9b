import { formatBytes, formatDuration, formatRate } from './format-units.js';
import { textWidth, truncate } from './terminal-text.js';

export interface TtyItem {
  /** Sanitized label. */
  name: string;
  bytes: number;
  total: number | null;
  rate: number | undefined;
  eta: number | undefined;
}

const BAR_MAX = 30;
const BAR_MIN = 6;
/** Room kept for the name before the bar takes space. */
const NAME_MIN = 12;
const GREEN = '\x1b[32m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** Stats after the bar, fewest last: each entry drops the least useful field first. */
function statsFor(item: TtyItem): string[] {
  const done = item.total === null ? formatBytes(item.bytes) : `${formatBytes(item.bytes)}/${formatBytes(item.total)}`;
  if (item.total === null) return [done, formatRate(item.rate)];
  const pct = `${String(Math.min(100, Math.floor((item.bytes * 100) / Math.max(1, item.total)))).padStart(3)}%`;
  return [pct, done, formatRate(item.rate), `ETA ${formatDuration(item.eta)}`];
}

function bar(item: TtyItem, width: number, color: boolean): string {
  const filled = item.total === null ? 0 : Math.min(width, Math.floor((item.bytes * width) / Math.max(1, item.total)));
  const [on, off] = ['#'.repeat(filled), '.'.repeat(width - filled)];
  return color ? `[${GREEN}${on}${RESET}${DIM}${off}${RESET}]` : `[${on}${off}]`;
}

/**
 * One item's line, never wider than `columns`: "name  [####....]  42%  12.3 MiB/40.0 MiB
 * 5.1 MiB/s  ETA 8s". When space runs short the stats lose their last fields, the bar
 * narrows then goes, and the name is cut with an ellipsis. `nameWidth` aligns the block.
 */
export function ttyLine(item: TtyItem, columns: number, nameWidth: number, color: boolean): string {
  let stats = statsFor(item);
  while (stats.length > 1 && textWidth(stats.join('  ')) + 2 + NAME_MIN > columns) stats = stats.slice(0, -1);
  const statsText = stats.join('  ');
  const room = columns - textWidth(statsText) - 2;
  const barWidth = item.total === null ? 0 : Math.min(BAR_MAX, room - NAME_MIN - 3);
  const showBar = barWidth >= BAR_MIN;
  const nameRoom = Math.max(0, room - (showBar ? barWidth + 3 : 0));
  const name = truncate(item.name, Math.min(nameRoom, nameWidth)).padEnd(Math.min(nameRoom, nameWidth));
  const plain = `${name}${showBar ? ` ${bar(item, barWidth, false)}` : ''}  ${statsText}`;
  if (textWidth(plain) > columns) return truncate(plain, columns); // a terminal too narrow for anything
  return color && showBar ? `${name} ${bar(item, barWidth, true)}  ${statsText}` : plain;
}
