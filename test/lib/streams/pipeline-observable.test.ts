import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DlError, ExitCode } from '../../../src/lib/errors/dl-error.js';
import type { EventInput } from '../../../src/lib/events/types.js';
import { byteMeter } from '../../../src/lib/streams/byte-meter.js';
import { pipelineObservable } from '../../../src/lib/streams/pipeline-observable.js';
import type { StageOutput } from '../../../src/lib/streams/pipeline-observable.js';
import { createRateLimiter, throttleBytes } from '../../../src/lib/streams/rate-limit.js';

const progress = (bytes: number): EventInput => ({ type: 'progress', id: 't', bytes, total: null });
const discard = () => new Writable({ write: (_c, _e, cb) => cb() });

/** Paths this process holds open, read from /proc so nothing is taken on trust. */
const openPaths = (): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return []; // the fd of readdir itself, closed by now
    }
  });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-streams-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pipelineObservable', () => {
  it('emits the events as they come, then the result, then completes', async () => {
    const chunks = [Buffer.alloc(3), Buffer.alloc(5), Buffer.alloc(7)];
    const out = await lastValueFrom(
      pipelineObservable(async ({ signal, emit }) => {
        let total = 0;
        await pipeline(Readable.from(chunks), byteMeter((t) => emit(progress((total = t)))), discard(), { signal });
        return total;
      }).pipe(toArray()),
    );
    expect(out).toEqual<StageOutput<number>[]>([
      { kind: 'event', event: progress(3) },
      { kind: 'event', event: progress(8) },
      { kind: 'event', event: progress(15) },
      { kind: 'result', value: 15 },
    ]);
  });

  it('unsubscribe aborts the pipeline: the source is destroyed and the output file closed', async () => {
    const target = join(dir, 'out.part');
    const source = createReadStream('/dev/zero');
    const sink = createWriteStream(target);
    let runError: unknown;
    let seen = 0;
    const limiter = createRateLimiter(1024 * 1024); // slow enough to be cut mid-way
    const sub = pipelineObservable(async ({ signal, emit }) => {
      await pipeline(source, throttleBytes(limiter), byteMeter((t) => emit(progress(t))), sink, { signal }).catch(
        (e: unknown) => Promise.reject((runError = e)),
      );
    }).subscribe({ next: () => seen++ });
    await once(sink, 'open');
    while (seen < 3) await new Promise((r) => setTimeout(r, 5));
    expect(openPaths()).toContain(target);

    // Not events.once: that rejects on the 'error' (AbortError) the streams emit first.
    const closed = Promise.all([source, sink].map((s: NodeJS.EventEmitter) => new Promise((r) => s.once('close', r))));
    sub.unsubscribe();
    await closed;
    expect(source.destroyed).toBe(true);
    expect(sink.destroyed).toBe(true);
    expect(openPaths()).not.toContain(target);
    await new Promise((r) => setImmediate(r));
    expect(runError).toMatchObject({ name: 'AbortError' });
  });

  it('an aborted outer signal stops the run with the interrupted DlError (exit 130)', async () => {
    const outer = new AbortController();
    const source = createReadStream('/dev/zero');
    const run = lastValueFrom(
      pipelineObservable(async ({ signal }) => {
        await pipeline(source, throttleBytes(createRateLimiter(1024 * 1024)), discard(), { signal });
      }, outer.signal),
    );
    await once(source, 'open');
    outer.abort();
    await expect(run).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED', exitCode: ExitCode.INTERRUPTED });
    expect(source.destroyed).toBe(true);
  });

  it('a stage error becomes the Observable error, and the source is torn down', async () => {
    const bad = new DlError('checksum mismatch', { code: 'DL_ERR_INTEGRITY', exitCode: ExitCode.INTEGRITY });
    const source = createReadStream('/dev/zero');
    const failing = byteMeter((total) => {
      if (total > 1024 * 1024) throw bad;
    });
    const run = lastValueFrom(
      pipelineObservable<void>(async ({ signal }) => {
        await pipeline(source, failing, discard(), { signal });
      }),
    );
    await expect(run).rejects.toBe(bad);
    expect(source.destroyed).toBe(true);
  });

  it('a synchronous throw in run becomes the Observable error too', async () => {
    const boom = new Error('bad options');
    const run = lastValueFrom(
      pipelineObservable(() => {
        throw boom;
      }),
    );
    await expect(run).rejects.toBe(boom);
  });

  it('does not abort a run that already finished', async () => {
    let seen: AbortSignal | undefined;
    await lastValueFrom(pipelineObservable(async ({ signal }) => void (seen = signal)));
    expect(seen?.aborted).toBe(false);
  });
});
