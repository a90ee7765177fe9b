import { DlError, ExitCode } from '../errors/dl-error.js';

/** A parsed `Content-Range: bytes a-b/total` as the half-open range [start, end). */
export interface ContentRange {
  start: number;
  end: number;
  /** null for `/*` (length unknown to the server). */
  total: number | null;
}

const SATISFIED = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i;
const UNSATISFIED = /^bytes\s+\*\/(\d+)$/i;

export function parseContentRange(value: string | undefined): ContentRange | undefined {
  const m = value === undefined ? null : SATISFIED.exec(value.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]) + 1;
  const total = m[3] === '*' ? null : Number(m[3]);
  if (end <= start || (total !== null && end > total)) return undefined;
  return { start, end, total };
}

/** The total of a 416's `Content-Range: bytes *\/total`. */
export function unsatisfiedTotal(value: string | undefined): number | undefined {
  const m = value === undefined ? null : UNSATISFIED.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * Checks a 206 answers the range asked for: it must start where we asked (a server that
 * answers another offset would splice wrong bytes), and its total must be the size we
 * know (another size means the file changed under us).
 */
export function checkContentRange(
  value: string | undefined,
  wantStart: number,
  knownTotal: number | null,
  redactedUrl: string,
): ContentRange {
  const cr = parseContentRange(value);
  if (!cr || cr.start !== wantStart) {
    throw new DlError(`bad Content-Range "${value ?? ''}" for a request from byte ${wantStart} of ${redactedUrl}`, {
      code: 'DL_ERR_BAD_RANGE',
      exitCode: ExitCode.UNAVAILABLE,
      retryable: true,
      hint: 'the server answers ranges wrongly; try -s 1 or --no-resume',
    });
  }
  if (knownTotal !== null && cr.total !== null && cr.total !== knownTotal) {
    throw sourceChanged(`its size went from ${knownTotal} to ${cr.total} bytes`, redactedUrl);
  }
  return cr;
}

export const sourceChanged = (why: string, redactedUrl: string): DlError =>
  new DlError(`${redactedUrl} changed during the download: ${why}`, {
    code: 'DL_ERR_SOURCE_CHANGED',
    exitCode: ExitCode.TEMP_FAIL,
    retryable: false,
    hint: 'run the command again to start over from the new version',
  });
