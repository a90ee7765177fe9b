import type { DlEvent } from '../../lib/events/types.js';

/** Draws events for a reader: a terminal bar, CI log lines, NDJSON, or nothing. */
export interface ProgressRenderer {
  onEvent(e: DlEvent): void;
  /** Draws what is still pending and releases timers and streams. */
  close(): Promise<void>;
}

/** A renderer that sees only the events `keep` accepts. */
export const filterRenderer = (r: ProgressRenderer, keep: (e: DlEvent) => boolean): ProgressRenderer => ({
  onEvent: (e) => {
    if (keep(e)) r.onEvent(e);
  },
  close: () => r.close(),
});
