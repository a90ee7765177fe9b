import type { CheckOutcome } from './check-sums.js';

/**
 * What `dl-hash -c` prints, as GNU coreutils 9.1 `sha256sum -c` prints it: per-line
 * results on stdout (`NAME: OK`, `NAME: FAILED`, `NAME: FAILED open or read`), the
 * summary warnings on stderr, and the verdict.
 *
 * 9.1 escapes a result's name (leading backslash, then `\\`, `\n`, `\r`) only when it
 * holds a newline — unlike the lines it writes when hashing, and unlike newer releases.
 */

export interface CheckTally {
  /** Lines that parsed. */
  formatted: number;
  malformed: number;
  matched: number;
  mismatched: number;
  unreadable: number;
}

export const emptyTally = (): CheckTally => ({ formatted: 0, malformed: 0, matched: 0, mismatched: 0, unreadable: 0 });

export function addToTally(tally: CheckTally, outcome: CheckOutcome): void {
  if (outcome.kind === 'malformed') tally.malformed++;
  else tally.formatted++;
  if (outcome.kind === 'ok') tally.matched++;
  if (outcome.kind === 'failed') tally.mismatched++;
  if (outcome.kind === 'unreadable') tally.unreadable++;
}

export interface CheckVerdictOptions {
  /** `--strict`: a malformed line fails the check. */
  strict?: boolean;
}

/** GNU's rule: something checked, at least one match, no mismatch, nothing unreadable. */
export const checkPassed = (t: CheckTally, opts: CheckVerdictOptions = {}): boolean =>
  t.formatted > 0 &&
  t.matched > 0 &&
  t.mismatched === 0 &&
  t.unreadable === 0 &&
  !(opts.strict === true && t.malformed > 0);

/** The stdout line for one outcome, or '' when it prints nothing (`quiet` hides OK). */
export function formatCheckLine(outcome: CheckOutcome, opts: { quiet?: boolean } = {}): string {
  if (outcome.kind === 'malformed' || outcome.kind === 'missing') return '';
  if (outcome.kind === 'ok' && opts.quiet === true) return '';
  const word = { ok: 'OK', failed: 'FAILED', unreadable: 'FAILED open or read' }[outcome.kind];
  return `${checkName(outcome.entry.name)}: ${word}\n`;
}

function checkName(name: string): string {
  if (!name.includes('\n')) return name;
  return `\\${name.replace(/[\\\n\r]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r' })[c] ?? c)}`;
}

/**
 * GNU's closing warnings for one SUMS file (without the `tool: ` prefix). `label` is the
 * file as messages name it (already quoted; "'standard input'" for stdin). `--status`
 * silences all but "no properly formatted checksum lines", as in GNU.
 */
export function checkWarnings(
  t: CheckTally,
  label: string,
  opts: { ignoreMissing?: boolean; status?: boolean } = {},
): string[] {
  if (t.formatted === 0) return [`${label}: no properly formatted checksum lines found`];
  if (opts.status === true) return [];
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  return [
    t.malformed > 0 && `WARNING: ${plural(t.malformed, 'line is', 'lines are')} improperly formatted`,
    t.unreadable > 0 && `WARNING: ${plural(t.unreadable, 'listed file', 'listed files')} could not be read`,
    t.mismatched > 0 && `WARNING: ${plural(t.mismatched, 'computed checksum', 'computed checksums')} did NOT match`,
    opts.ignoreMissing === true && t.matched === 0 && `${label}: no file was verified`,
  ].filter((w): w is string => typeof w === 'string');
}

/** `--warn`'s message for a malformed line. */
export const malformedWarning = (label: string, line: number): string =>
  `${label}: ${line}: improperly formatted checksum line`;

// Characters GNU's quotef leaves bare; anything else gets shell quoting.
const BARE = /^[\w.\/@%+=:,^~-]+$/;
const CONTROL: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A file name as GNU diagnostics show it: bare, 'quoted', or with $'\n' for controls. */
export function quoteName(name: string): string {
  if (BARE.test(name)) return name;
  const body = name
    .replace(/'/g, `'\\''`)
    .replace(/[\x00-\x1f\x7f]/g, (c) => `'$'${CONTROL[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`}''`);
  return `'${body}'`;
}

/** A check result as one `--json` record: what was expected, what was found, the verdict. */
export function checkRecord(outcome: Exclude<CheckOutcome, { kind: 'malformed' | 'missing' }>): Record<string, unknown> {
  const { name, algorithm, digest: expected } = outcome.entry;
  const actual = outcome.kind === 'unreadable' ? null : outcome.actual;
  return { name, algorithm, expected, actual, result: outcome.kind };
}
