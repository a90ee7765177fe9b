import { createWriteStream, fstatSync } from 'node:fs';
import { Subject } from 'rxjs';
import { usageError } from '../../lib/errors/dl-error.js';
import { stampEvent } from '../../lib/events/stamp-event.js';
import { throttleProgress } from '../../lib/events/throttle-progress.js';
import type { EventInput } from '../../lib/events/types.js';
import type { Io } from '../io.js';
import { JsonRenderer } from './json-renderer.js';
import { PlainRenderer } from './plain-renderer.js';
import { filterRenderer, type ProgressRenderer } from './progress-renderer.js';
import { TtyRenderer } from './tty-renderer.js';

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'json' | 'none';

export interface ProgressOptions {
  tool: string;
  mode: ProgressMode;
  /** --progress-fd: where json events go instead of stderr (json mode only). */
  fd?: number;
  io: Io;
  /** True when this command's stdout carries data (bytes) rather than results. */
  stdoutIsData: boolean;
  /** -q: no progress and no warnings on stderr; errors still show. */
  quiet?: boolean;
}

/** What commands emit their events into. */
export interface ProgressSink {
  /** Stamps, throttles and draws one event; ignored after close. */
  emit(e: EventInput): void;
  /** Flushes the last progress and pending lines; call once, before exiting. */
  close(): Promise<void>;
}

/** An event as emitted, with the time it was emitted (ms since the epoch). */
interface Timed {
  type: string;
  id: string;
  e: EventInput;
  at: number;
}

/** What stderr shows: a bar, log lines, NDJSON, or only warnings and errors. */
export type ResolvedProgress = 'tty' | 'plain' | 'json' | 'diagnostics';

/**
 * `auto`: a stage whose stdout is a pipe carrying data to the next stage shows only
 * diagnostics, even on a terminal, so that in `a | b | c` only the last stage draws
 * (several bars on one terminal overwrite each other); otherwise a bar when stderr is a
 * terminal, else log lines. TERM=dumb has no cursor moves, so a bar becomes lines. -q
 * leaves only diagnostics; `none` too.
 */
export function resolveProgress(opts: Pick<ProgressOptions, 'mode' | 'io' | 'stdoutIsData' | 'quiet'>): ResolvedProgress {
  const { mode, io } = opts;
  if (mode === 'json') return 'json';
  if (mode === 'none' || opts.quiet === true) return 'diagnostics';
  const feedsPipe = opts.stdoutIsData && (io.stdoutIsPipe ?? !io.isTTY.stdout);
  const wanted = mode !== 'auto' ? mode : feedsPipe ? 'diagnostics' : io.isTTY.stderr ? 'tty' : 'plain';
  return wanted === 'tty' && io.env.TERM === 'dumb' ? 'plain' : wanted;
}

function progressFdStream(fd: number) {
  try {
    fstatSync(fd);
  } catch {
    throw usageError(`--progress-fd ${fd} is not an open file descriptor`, `open it in the shell, e.g. ${fd}>events.ndjson`);
  }
  // The fd is the caller's (it may be 1 or 2): flush it on close but never close it.
  return createWriteStream('', { fd, autoClose: false });
}

function rendererFor(opts: ProgressOptions): ProgressRenderer {
  const { io } = opts;
  if (opts.fd !== undefined && opts.mode !== 'json') throw usageError('--progress-fd needs --progress json');
  const kind = resolveProgress(opts);
  if (kind === 'json') {
    return opts.fd === undefined
      ? new JsonRenderer({ out: io.stderr })
      : new JsonRenderer({ out: progressFdStream(opts.fd), endOnClose: true });
  }
  // `||`: a pty with no size reports 0 columns.
  if (kind === 'tty') return new TtyRenderer({ out: io.stderr, columns: io.columns || 80, color: io.env.NO_COLOR === undefined });
  const plain = new PlainRenderer({ out: io.stderr });
  if (kind === 'plain') return plain;
  // A warning is never swallowed, unless -q asked for errors only.
  return filterRenderer(plain, (e) => e.type === 'error' || (e.type === 'warn' && opts.quiet !== true));
}

/**
 * The one entry point commands use: events are stamped with the tool and time, progress
 * is throttled to 10/s per item (first and last kept), and the chosen renderer draws them.
 * Throws DL_ERR_USAGE for a --progress-fd that is not open or not with json.
 */
export function createProgress(opts: ProgressOptions): ProgressSink {
  const renderer = rendererFor(opts);
  // Progress comes per chunk and most of it is throttled away: only the clock is read when
  // it is emitted; the full event (ISO time, tool) is built for the ones that pass.
  const events = new Subject<Timed>();
  events.pipe(throttleProgress()).subscribe(({ e, at }) => renderer.onEvent(stampEvent(opts.tool, e, () => new Date(at))));
  let closed: Promise<void> | undefined;
  return {
    emit: (e) => {
      if (closed === undefined) events.next({ type: e.type, id: e.id, e, at: Date.now() });
    },
    close: () => {
      if (closed === undefined) {
        events.complete();
        closed = renderer.close();
      }
      return closed;
    },
  };
}
