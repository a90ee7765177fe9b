import type { Algorithm } from '../hash/algorithms.js';
import { parseExpectList } from '../hash/parse-expect.js';
import { isDlError } from '../errors/dl-error.js';

/**
 * One line of a job list (`dl-get -i FILE`): a bare URL, or an NDJSON object
 *
 *   {"url": "https://…",          required, http(s) or a resolver scheme (hf://…)
 *    "output": "dir/name",        optional, relative to the working directory
 *    "expect": "sha256:HEX" | [..],optional, as --expect
 *    "mirrors": ["https://…"],    optional, more URLs serving the same bytes
 *    "headers": ["Name: value"],  optional, as -H
 *    "priority": 0,               optional integer, higher runs first
 *    "segments": 4}               optional, 1 to 64, as --segments
 *
 * Blank lines and lines starting with `#` are skipped. Unknown fields are ignored, as
 * consumers of the event schema ignore them.
 */
export interface JobSpec {
  url: string;
  output?: string;
  expect?: Partial<Record<Algorithm, string>>;
  mirrors?: string[];
  headers?: string[];
  priority: number;
  segments?: number;
}

/** A job as read: its spec and the 1-based line it came from. */
export interface ParsedJob {
  line: number;
  spec: JobSpec;
}

export interface JobLineProblem {
  line: number;
  message: string;
}

export interface JobList {
  jobs: ParsedJob[];
  problems: JobLineProblem[];
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

class BadLine extends Error {}

const fail = (message: string): never => {
  throw new BadLine(message);
};

const stringList = (v: unknown, field: string): string[] | undefined => {
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return fail(`"${field}" must be a string or a list of strings`);
  return list as string[];
};

const checkUrl = (url: unknown, field: string): string =>
  typeof url === 'string' && URL_SCHEME.test(url) ? url : fail(`"${field}" is not a URL: ${JSON.stringify(url)?.slice(0, 80)}`);

function integerIn(v: unknown, field: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(`"${field}" must be an integer from ${min} to ${max}`);
}

function expectOf(v: unknown): JobSpec['expect'] {
  const list = stringList(v, 'expect');
  if (list === undefined) return undefined;
  try {
    return parseExpectList(list);
  } catch (err) {
    return fail(isDlError(err) ? err.message.replace(/^--expect/, '"expect"') : String(err));
  }
}

function objectJob(text: string): JobSpec {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (err) {
    return fail(`not JSON: ${(err as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return fail('not a JSON object');
  const r = o as Record<string, unknown>;
  const output = r.output === undefined || (typeof r.output === 'string' && r.output !== '') ? (r.output as string | undefined) : fail('"output" must be a non-empty string');
  const mirrors = stringList(r.mirrors, 'mirrors')?.map((m) => checkUrl(m, 'mirrors'));
  const spec: JobSpec = { url: checkUrl(r.url, 'url'), priority: integerIn(r.priority, 'priority', -1e9, 1e9) ?? 0 };
  const optional = { output, expect: expectOf(r.expect), mirrors, headers: stringList(r.headers, 'headers'), segments: integerIn(r.segments, 'segments', 1, 64) };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(spec, { [k]: v });
  return spec;
}

/** One line's job, undefined for blank and comment lines; throws BadLine. */
function parseLine(raw: string): JobSpec | undefined {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  if (text.startsWith('{') || text.startsWith('[')) return objectJob(text);
  return { url: checkUrl(text, 'url'), priority: 0 };
}

/**
 * Parses a whole job list. Malformed lines become problems with their line number; the
 * caller reports them and skips them, or stops (`--strict`).
 */
export function parseJobs(text: string): JobList {
  const out: JobList = { jobs: [], problems: [] };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    try {
      const spec = parseLine(raw.replace(/\r$/, ''));
      if (spec) out.jobs.push({ line: i + 1, spec });
    } catch (err) {
      if (!(err instanceof BadLine)) throw err;
      out.problems.push({ line: i + 1, message: err.message });
    }
  });
  return out;
}
