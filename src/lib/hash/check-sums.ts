import { isDlError } from '../errors/dl-error.js';
import { isNotFound } from '../fs/fs-error.js';
import type { Algorithm, Digests } from './algorithms.js';
import { parseSums, type ParseSumsOptions, type SumsEntry, type SumsLine, type TextSource } from './sums-parse.js';

/**
 * The check engine behind `dl-hash -c`: reads a SUMS file, hashes what it lists and
 * yields one outcome per line, in line order, while up to `concurrency` files are hashed
 * at once. Consecutive lines naming the same file (one line per algorithm, as
 * `dl-hash -a A -a B` writes them) are checked with a single read of that file.
 */

export type CheckOutcome =
  | { kind: 'malformed'; line: number }
  | { kind: 'ok' | 'failed'; entry: SumsEntry; actual: string }
  /** Could not be hashed; `error` is what the digest function threw. */
  | { kind: 'unreadable'; entry: SumsEntry; error: unknown }
  /** Does not exist and `ignoreMissing` was set: neither success nor failure. */
  | { kind: 'missing'; entry: SumsEntry };

/** Digests of one listed file ('-' is stdin); rejects as hashFile does (DlError, errno in details). */
export type DigestFn = (name: string, algorithms: readonly Algorithm[]) => Promise<Digests>;

export interface CheckSumsOptions extends ParseSumsOptions {
  digest: DigestFn;
  /** `--ignore-missing`: a listed file that does not exist is skipped, not a failure. */
  ignoreMissing?: boolean;
  /** Files hashed at once (default 1). */
  concurrency?: number;
  /** The SUMS text is stdin, so an entry naming '-' cannot be read: malformed, as in GNU. */
  sumsIsStdin?: boolean;
}

export async function* checkSums(
  source: TextSource,
  opts: CheckSumsOptions,
): AsyncGenerator<CheckOutcome> {
  const limit = Math.max(1, opts.concurrency ?? 1);
  const window: Promise<CheckOutcome[]>[] = [];
  for await (const group of groupByName(parseSums(source, opts), opts.sumsIsStdin === true)) {
    window.push(checkGroup(group, opts));
    if (window.length >= limit) yield* await (window.shift() as Promise<CheckOutcome[]>);
  }
  for (const pending of window) yield* await pending;
}

type Group = { kind: 'malformed'; line: number } | { kind: 'entries'; entries: SumsEntry[] };

/** Runs of consecutive entries with the same name; malformed lines stand alone. */
async function* groupByName(lines: AsyncIterable<SumsLine>, sumsIsStdin: boolean): AsyncGenerator<Group> {
  let run: SumsEntry[] = [];
  for await (const line of lines) {
    const entry = line.kind === 'entry' && !(sumsIsStdin && line.entry.name === '-') ? line.entry : undefined;
    if (run.length > 0 && run[0]?.name !== entry?.name) {
      yield { kind: 'entries', entries: run };
      run = [];
    }
    if (entry) run.push(entry);
    else yield { kind: 'malformed', line: line.kind === 'entry' ? line.entry.line : line.line };
  }
  if (run.length > 0) yield { kind: 'entries', entries: run };
}

async function checkGroup(group: Group, opts: CheckSumsOptions): Promise<CheckOutcome[]> {
  if (group.kind === 'malformed') return [group];
  const { entries } = group;
  const name = entries[0]?.name ?? '';
  try {
    const digests = await opts.digest(name, [...new Set(entries.map((e) => e.algorithm))]);
    return entries.map((entry) => {
      const actual = digests[entry.algorithm] ?? '';
      return { kind: actual === entry.digest ? 'ok' : 'failed', entry, actual };
    });
  } catch (error) {
    if (opts.ignoreMissing === true && isMissingFile(error)) return entries.map((entry) => ({ kind: 'missing', entry }));
    return entries.map((entry) => ({ kind: 'unreadable', entry, error }));
  }
}

/** ENOENT, whether raw from node:fs or wrapped by hashFile/HashPool into a DlError. */
export function isMissingFile(error: unknown): boolean {
  return isDlError(error) ? error.details?.['errno'] === 'ENOENT' : isNotFound(error);
}
