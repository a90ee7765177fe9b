import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { encodeEvent } from '../../lib/events/ndjson.js';
import type { DlEvent } from '../../lib/events/types.js';
import type { ProgressRenderer } from './progress-renderer.js';

export interface JsonRendererOptions {
  out: Writable;
  /** End `out` on close and wait until it is flushed (a --progress-fd stream we opened). */
  endOnClose?: boolean;
}

/**
 * The events as NDJSON, one line each, already throttled upstream. If the reader goes
 * away (EPIPE on a --progress-fd pipe) the events stop; the command itself goes on.
 */
export class JsonRenderer implements ProgressRenderer {
  private broken = false;

  constructor(private readonly opts: JsonRendererOptions) {
    // Only a stream we own: errors on the process's stderr are the process's business.
    if (opts.endOnClose === true) {
      opts.out.on('error', () => {
        this.broken = true;
      });
    }
  }

  onEvent(e: DlEvent): void {
    if (!this.broken) this.opts.out.write(encodeEvent(e));
  }

  async close(): Promise<void> {
    const { out, endOnClose } = this.opts;
    if (!endOnClose || this.broken || out.writableFinished) return;
    out.end();
    await finished(out).catch(() => undefined);
  }
}
