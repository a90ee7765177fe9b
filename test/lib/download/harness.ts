import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { EventInput } from '../../../src/lib/events/types.js';
import { createDispatcher } from '../../../src/lib/http/dispatcher.js';
import type { FileDownloadOptions } from '../../../src/lib/download/download-file.js';
import { startFaultServer, type FaultServer } from '../../servers/fault-server.js';

/** Fast retries so fault tests finish in milliseconds, and every event kept. */
export function harness() {
  const dispatcher = createDispatcher({ connectTimeoutMs: 2000 });
  const events: EventInput[] = [];
  const dirs: string[] = [];
  return {
    events,
    dispatcher,
    async tempDir(): Promise<string> {
      const d = await mkdtemp(join(tmpdir(), 'dlkit-dl-'));
      dirs.push(d);
      return d;
    },
    options(url: string, target: string, over: Partial<FileDownloadOptions> = {}): FileDownloadOptions {
      return {
        url,
        target,
        dispatcher,
        segments: 1,
        minSplitBytes: 64 * 1024,
        retry: { retries: 6, minDelayMs: 5, maxDelayMs: 50, factor: 2, maxTotalMs: 20_000 },
        stallTimeoutMs: 2000,
        id: url,
        signal: new AbortController().signal,
        emit: (e) => void events.push(e),
        ...over,
      };
    },
    ofType<T extends EventInput['type']>(type: T): Extract<EventInput, { type: T }>[] {
      return events.filter((e): e is Extract<EventInput, { type: T }> => e.type === type);
    },
    async close(): Promise<void> {
      await dispatcher.close();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export type Harness = ReturnType<typeof harness>;

/**
 * The hooks of a suite against the fault server: one server for the suite, a fresh
 * harness and temp directory per test (read them inside tests, once the hooks ran).
 */
export function faultServerSuite(): { readonly srv: FaultServer; readonly h: Harness; readonly dir: string } {
  const s = {} as { srv: FaultServer; h: Harness; dir: string };
  beforeAll(async () => {
    s.srv = await startFaultServer();
  });
  afterAll(() => s.srv.close());
  beforeEach(async () => {
    s.h = harness();
    s.dir = await s.h.tempDir();
  });
  afterEach(() => s.h.close());
  return s;
}
