import type { DlEvent } from '../../lib/events/types.js';
import { formatBytes, formatDuration, formatRate } from './format-units.js';
import { sanitize } from './terminal-text.js';

/** How a line reads to a person: colour is up to the renderer. */
export type Tone = 'info' | 'good' | 'warn' | 'bad';

export interface HumanLine {
  text: string;
  tone: Tone;
}

const percent = (bytes: number, total: number | null): string =>
  total === null || total === 0 ? '' : ` ${Math.min(100, Math.floor((bytes * 100) / total))}%`;

/** "12.3 MiB/40.0 MiB 30% 5.1 MiB/s", the progress of one item in words. */
export const describeProgress = (bytes: number, total: number | null, rate: number | undefined): string =>
  `${formatBytes(bytes)}${total === null ? '' : `/${formatBytes(total)}`}${percent(bytes, total)} ${formatRate(rate)}`;

/**
 * The lines a person sees for an event other than progress, without the tool prefix:
 * start, retry, warn, end and error (with its hint). Other types say nothing.
 */
export function describeEvent(e: DlEvent, name: string): HumanLine[] {
  const n = sanitize(name);
  switch (e.type) {
    case 'start':
      return [{ text: `start ${n}${e.total === null ? '' : ` (${formatBytes(e.total)})`}`, tone: 'info' }];
    case 'retry':
      return [{ text: `retry ${e.attempt} for ${n} in ${formatDuration(e.delayMs / 1000)}: ${sanitize(e.reason)}`, tone: 'warn' }];
    case 'warn':
      return [{ text: `warning: ${sanitize(e.message)} (${e.code})`, tone: 'warn' }];
    case 'end': {
      const rate = e.durationMs > 0 ? (e.bytes * 1000) / e.durationMs : undefined;
      const took = formatDuration(e.durationMs / 1000);
      return [{ text: `done ${n}: ${formatBytes(e.bytes)} in ${took} (${formatRate(rate)})`, tone: 'good' }];
    }
    case 'error': {
      const lines: HumanLine[] = [{ text: `error: ${sanitize(e.message)} (${e.code})`, tone: 'bad' }];
      if (e.hint !== undefined) lines.push({ text: `hint: ${sanitize(e.hint)}`, tone: 'info' });
      return lines;
    }
    default:
      return [];
  }
}
