import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/commands/dl-get.js';
import { memoryIo } from '../cli/memory-io.js';
import { assertValidEvents } from '../helpers/validate-events.js';

const DL_GET_SOURCE = fileURLToPath(new URL('../../src/commands/dl-get.ts', import.meta.url));

/** Batch mode is reached through dl-get's handler; until that hook is in, these tests cannot run. */
export const hookSkipReason = (): string | undefined =>
  readFileSync(DL_GET_SOURCE, 'utf8').includes('runBatch(') ? undefined : 'src/commands/dl-get.ts does not hand -i over to runBatch yet';

export interface BatchRun {
  code: number;
  stdout: string;
  stderr: string;
  events: Record<string, unknown>[];
  /** --json result lines (without the summary). */
  results: Record<string, unknown>[];
  summary: Record<string, unknown> | undefined;
}

/** Runs dl-get in process; `stdin` feeds `-i -`. */
export async function batchGet(argv: string[], opts: { cwd: string; env?: Record<string, string>; stdin?: string; signal?: AbortSignal }): Promise<BatchRun> {
  const mem = memoryIo({ cwd: opts.cwd, env: { ...opts.env }, signal: opts.signal });
  if (opts.stdin !== undefined) mem.io.stdin = Readable.from([opts.stdin]);
  const code = await run(argv, mem.io);
  const stdout = mem.stdout();
  const stderr = mem.stderr();
  const events = assertValidEvents(stderr.split('\n').filter((l) => l.startsWith('{'))) as Record<string, unknown>[];
  const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = lines.find((l) => 'summary' in l)?.summary as Record<string, unknown> | undefined;
  return { code, stdout, stderr, events, results: lines.filter((l) => !('summary' in l)), summary };
}
