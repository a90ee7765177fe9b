import type { DlEvent } from '../../lib/events/types.js';
import type { Stage } from './stage-table.js';

/** Draws merged events stage by stage; lines that are not events are passed on. */
export interface StageRenderer {
  /** One event, already recorded in the table as part of `stage`. */
  onEvent(e: DlEvent, stage: Stage): void;
  /** A line that is not an event, shown unchanged. */
  passThrough(line: string): void;
  /** A problem of dl-progress itself (an unreadable input, an overlong line). */
  warn(code: string, message: string): void;
  /** Draws the end state and the run's summary. */
  close(): Promise<void>;
}
