import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { run } from '../../src/commands/dl-get.js';
import { assertValidEvents } from '../helpers/validate-events.js';
import { memoryIo } from '../cli/memory-io.js';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Fast retries for tests: the policy's waits would otherwise dominate. */
export const FAST = ['--retries', '8', '--timeout', '2', '--progress', 'json'];

export interface GetRun {
  code: number;
  stdout: Buffer;
  stderr: string;
  events: Record<string, unknown>[];
}

/** Runs dl-get in process with an in-memory Io (stdout a pipe, not a terminal). */
export async function dlGet(argv: string[], opts: { cwd?: string; env?: Record<string, string>; signal?: AbortSignal; stdin?: string } = {}): Promise<GetRun> {
  const chunks: Buffer[] = [];
  const mem = memoryIo({ cwd: opts.cwd, env: { ...opts.env }, signal: opts.signal });
  if (opts.stdin !== undefined) mem.io.stdin = Readable.from([Buffer.from(opts.stdin)]);
  mem.io.stdout.removeAllListeners('data');
  mem.io.stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await run(argv, mem.io);
  const stderr = mem.stderr();
  const jsonLines = stderr.split('\n').filter((l) => l.startsWith('{'));
  return { code, stdout: Buffer.concat(chunks), stderr, events: assertValidEvents(jsonLines) as Record<string, unknown>[] };
}

export async function tempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dlkit-get-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
