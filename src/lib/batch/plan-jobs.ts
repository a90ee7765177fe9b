import { relative, resolve } from 'node:path';
import { pathInside, safeFileName, urlFileName } from '../http/safe-name.js';
import type { JobLineProblem, JobSpec, ParsedJob } from './parse-jobs.js';
import type { Schedulable } from './schedule-jobs.js';
import { inShard, type Shard } from './shard.js';

/** A job ready to run: where it writes, what it is called in events, who it connects to. */
export interface BatchJob extends Schedulable {
  line: number;
  spec: JobSpec;
  /** Absolute output path. */
  target: string;
  /** Event id: the output path as the user would type it. */
  id: string;
  /** Its history key when it is a resumed job. */
  key?: string;
}

export interface PlanOptions {
  cwd: string;
  /** Where jobs without an `output` go (`-d`, default the working directory). */
  dir: string;
  shard?: Shard;
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/**
 * Gives each job its target: `output` relative to the working directory, else the URL's
 * last path segment made safe, inside `dir`. Names come from the URL alone (no request),
 * so every target is known before anything is fetched. Two jobs may not write one file:
 * a later line that names an output already taken is a problem of that line. Jobs of
 * other shards are dropped before that check, so shards plan alike on every machine.
 */
export function planJobs(parsed: readonly ParsedJob[], opts: PlanOptions): { jobs: BatchJob[]; problems: JobLineProblem[] } {
  const jobs: BatchJob[] = [];
  const problems: JobLineProblem[] = [];
  const taken = new Map<string, number>();
  for (const { line, spec } of parsed) {
    if (opts.shard && !inShard(spec.url, opts.shard)) continue;
    let target: string;
    try {
      target = spec.output !== undefined ? resolve(opts.cwd, spec.output) : pathInside(opts.dir, safeFileName(urlFileName(spec.url)));
    } catch (err) {
      problems.push({ line, message: (err as Error).message });
      continue;
    }
    const first = taken.get(target);
    if (first !== undefined) {
      problems.push({ line, message: `output ${relative(opts.cwd, target)} is also written by line ${first}` });
      continue;
    }
    taken.set(target, line);
    jobs.push({ line, spec, target, id: relative(opts.cwd, target) || target, host: hostOf(spec.url), priority: spec.priority });
  }
  return { jobs, problems };
}
