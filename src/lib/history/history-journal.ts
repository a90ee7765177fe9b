import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsError, isNotFound } from '../fs/fs-error.js';

/**
 * The batch history (`$XDG_STATE_HOME/dlkit/history.ndjson`): append-only NDJSON, one
 * record a line, each written with one write(2) on an O_APPEND descriptor so concurrent
 * batches never interleave inside a line.
 *
 *   {"v":1,"time":ISO,"event":"batch","batch":ID,"jobs":N}
 *   {"v":1,"time":ISO,"event":"job","key":"ID/n","job":J,"resumable":true}
 *   {"v":1,"time":ISO,"event":"end","key":"ID/n","status":"ok","exitCode":0}
 *
 * J is what it takes to run the job again (URL, absolute output path, expect, mirrors,
 * headers, segments, priority, source line). A job whose URL or headers carry secrets
 * is journaled redacted and `resumable: false`: secrets never reach the journal. A job
 * with a `job` record and no `end` record was interrupted (killed, or cancelled).
 */
export interface JournaledJob {
  url: string;
  output: string;
  line: number;
  priority: number;
  expect?: Record<string, string>;
  mirrors?: string[];
  headers?: string[];
  segments?: number;
}

export interface InterruptedJob {
  key: string;
  batch: string;
  time: string;
  job: JournaledJob;
  resumable: boolean;
}

export interface HistoryJournal {
  readonly batch: string;
  /** Records the batch and all its jobs (one write); returns each job's key, in order. */
  begin(jobs: readonly { job: JournaledJob; resumable: boolean; key?: string }[]): Promise<string[]>;
  end(key: string, status: string, exitCode: number): Promise<void>;
  close(): Promise<void>;
}

const line = (record: object): string => `${JSON.stringify({ v: 1, time: new Date().toISOString(), ...record })}\n`;

export async function openHistory(path: string): Promise<HistoryJournal> {
  let fh: FileHandle;
  try {
    await mkdir(dirname(path), { recursive: true });
    fh = await open(path, 'a', 0o600);
  } catch (err) {
    throw fsError(err, path, 'create');
  }
  const batch = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const write = coalesced(async (text: string): Promise<void> => {
    await fh.write(text).catch((err: unknown) => {
      throw fsError(err, path, 'write');
    });
  });
  return {
    batch,
    async begin(jobs) {
      const keys = jobs.map((j, n) => j.key ?? `${batch}/${n + 1}`);
      const fresh = jobs.flatMap((j, n) => (j.key === undefined ? [line({ event: 'job', key: keys[n], job: j.job, resumable: j.resumable })] : []));
      await write(line({ event: 'batch', batch, jobs: jobs.length }) + fresh.join(''));
      return keys;
    },
    end: (key, status, exitCode) => write(line({ event: 'end', key, status, exitCode })),
    close: () => fh.close(),
  };
}

/**
 * Records that arrive while a write is in flight go out together in the next one: a
 * batch of small files ends jobs faster than one write(2) each is worth. Whole lines
 * only, so one write still never splits a record; each caller waits for its own write.
 */
function coalesced(write: (text: string) => Promise<void>): (text: string) => Promise<void> {
  let queued: string[] = [];
  let next: Promise<void> | undefined;
  let tail = Promise.resolve();
  return (text) => {
    queued.push(text);
    if (next === undefined) {
      next = tail.catch(() => undefined).then(() => {
        const batch = queued.join('');
        queued = [];
        next = undefined;
        return write(batch);
      });
      tail = next;
    }
    return next;
  };
}

/** Jobs journaled and never ended, oldest first. Lines that do not parse are skipped. */
export async function readInterrupted(path: string): Promise<InterruptedJob[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return [];
    throw fsError(err, path, 'read');
  }
  const open = new Map<string, InterruptedJob>();
  for (const raw of text.split('\n')) {
    const r = parseRecord(raw);
    if (r?.event === 'job' && typeof r.key === 'string' && isJob(r.job)) {
      open.set(r.key, { key: r.key, batch: r.key.split('/')[0]!, time: String(r.time), job: r.job, resumable: r.resumable === true });
    } else if (r?.event === 'end' && typeof r.key === 'string') open.delete(r.key);
  }
  return [...open.values()];
}

function parseRecord(raw: string): Record<string, unknown> | undefined {
  if (!raw.startsWith('{')) return undefined;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined; // a line torn by a crash mid-write
  }
}

const isJob = (x: unknown): x is JournaledJob => {
  const j = x as Partial<JournaledJob> | null;
  return typeof j === 'object' && j !== null && typeof j.url === 'string' && typeof j.output === 'string';
};
