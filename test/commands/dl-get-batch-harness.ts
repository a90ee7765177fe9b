import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
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

// Inside the repo, so that the bundle's bare imports (rxjs, undici…) resolve.
const BUNDLE_DIR = fileURLToPath(new URL('../../node_modules/.cache/dlkit-tests/', import.meta.url));

/** dl-get from src as one runnable file (for tests that need a real process), and its cleanup. */
export async function bundleDlGet(): Promise<{ path: string; remove(): Promise<void> }> {
  await mkdir(BUNDLE_DIR, { recursive: true });
  const path = join(BUNDLE_DIR, `dl-get-${process.pid}-${Math.random().toString(36).slice(2, 8)}.mjs`);
  await build({
    entryPoints: [fileURLToPath(new URL('fixtures/dl-get-main.ts', import.meta.url))],
    outfile: path,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return { path, remove: () => rm(path, { force: true }) };
}
