import { DlError, ExitCode } from '../errors/dl-error.js';
import { isDlEvent } from './is-dl-event.js';
import type { DlEvent } from './types.js';

/** One event as one NDJSON line. JSON.stringify escapes newlines, so it stays one line. */
export const encodeEvent = (e: DlEvent): string => `${JSON.stringify(e)}\n`;

/**
 * The event on a line, or null for a blank, malformed or unknown line (another version, an
 * unknown type, a missing field): readers pass such lines through instead of failing.
 */
export function parseEventLine(line: string): DlEvent | null {
  let x: unknown;
  try {
    x = JSON.parse(line);
  } catch {
    return null;
  }
  return isDlEvent(x) ? x : null;
}

export interface LineTooLongWarning {
  code: 'DL_WARN_LINE_TOO_LONG';
  message: string;
  /** 1-based line number in the input. */
  line: number;
}

export interface NdjsonLinesOptions {
  /** Longest line held in memory, in bytes, without its newline (default 1 MiB). */
  maxLineBytes?: number;
  /** A longer line throws DL_ERR_LINE_TOO_LONG (default) or is skipped with a warning. */
  onOverlong?: 'error' | 'skip';
  onWarn?: (w: LineTooLongWarning) => void;
}

const NEWLINE = 0x0a;

const decodeLine = (parts: Buffer[]): string => {
  const s = Buffer.concat(parts).toString('utf8');
  return s.endsWith('\r') ? s.slice(0, -1) : s;
};

/**
 * A pipeline stage splitting a byte stream into lines (without their '\n' or '\r\n').
 * Memory stays under maxLineBytes plus one chunk whatever the input: bytes are joined and
 * decoded only per complete line, so multi-byte characters split across chunks survive.
 */
export function ndjsonLines(opts: NdjsonLinesOptions = {}) {
  const max = opts.maxLineBytes ?? 1024 * 1024;
  return async function* splitLines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
    let parts: Buffer[] = [];
    let held = 0;
    let skipping = false;
    let lineNo = 1;
    const overlong = (): void => {
      const message = `line ${lineNo} is longer than ${max} bytes`;
      if (opts.onOverlong !== 'skip') {
        throw new DlError(message, {
          code: 'DL_ERR_LINE_TOO_LONG',
          exitCode: ExitCode.INTEGRITY,
          hint: 'check that the input is NDJSON (one JSON object per line)',
          details: { line: lineNo, maxLineBytes: max },
        });
      }
      opts.onWarn?.({ code: 'DL_WARN_LINE_TOO_LONG', message: `${message}; skipped`, line: lineNo });
      parts = [];
      held = 0;
      skipping = true;
    };
    const hold = (bytes: Buffer): void => {
      if (skipping) return;
      if (held + bytes.length > max) return overlong();
      parts.push(bytes);
      held += bytes.length;
    };
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
        hold(buf.subarray(start, nl));
        if (!skipping) yield decodeLine(parts);
        parts = [];
        held = 0;
        skipping = false;
        lineNo++;
        start = nl + 1;
      }
      if (start < buf.length) hold(buf.subarray(start));
    }
    if (held > 0 && !skipping) yield decodeLine(parts);
  };
}
