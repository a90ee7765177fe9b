import { watch } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { startFaultServer, type FaultServer } from '../../servers/fault-server.js';
import { seededBytes } from '../../servers/seeded-random.js';
import { harness } from './harness.js';

/**
 * Every name that appears in `dir`, through inotify. `settle()` creates a marker and waits
 * for its event: inotify keeps order, so every earlier name has been seen by then.
 */
function namesSeen(dir: string): { names: Set<string>; settle(): Promise<void>; close(): void } {
  const names = new Set<string>();
  let marked: (() => void) | undefined;
  const watcher = watch(dir, (_event, name) => {
    if (name === 'marker') marked?.();
    else if (name) names.add(name);
  });
  return {
    names,
    async settle() {
      const seen = new Promise<void>((resolve) => (marked = resolve));
      await writeFile(join(dir, 'marker'), '');
      await seen;
    },
    close: () => watcher.close(),
  };
}

describe('checkpoints: written only for a download that outlasts the checkpoint interval', () => {
  const small = seededBytes(64 * 1024, 5);
  const slow = seededBytes(256 * 1024, 6);
  let srv: FaultServer;
  let h: ReturnType<typeof harness>;
  beforeAll(async () => {
    // 256 KiB at 1 MiB/s: about 250 ms, five checkpoint intervals of 50 ms.
    srv = await startFaultServer({ routes: { '/small': { body: small }, '/slow': { body: slow, rate: 1024 * 1024 } } });
  });
  afterAll(() => srv.close());
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  async function fetchWatched(path: string, checkpointIntervalMs: number): Promise<{ names: Set<string>; dir: string }> {
    const dir = await h.tempDir();
    const seen = namesSeen(dir);
    try {
      await downloadToFile(h.options(`${srv.url}${path}`, join(dir, 'out.bin'), { checkpointIntervalMs }));
      await seen.settle();
      return { names: seen.names, dir };
    } finally {
      seen.close();
    }
  }

  it('writes none for a download that ends within one interval (a small file in a batch saves its fsyncs)', async () => {
    const { names, dir } = await fetchWatched('/small', 60_000);
    expect([...names].filter((n) => n.includes('.part.json'))).toEqual([]);
    expect(await readFile(join(dir, 'out.bin'))).toEqual(small);
  });

  it('saves them while a slower download runs, and removes the checkpoint once the file is in place', async () => {
    const { names, dir } = await fetchWatched('/slow', 50);
    expect(names).toContain('out.bin.part.json');
    expect((await readdir(dir)).sort()).toEqual(['marker', 'out.bin']);
    expect(await readFile(join(dir, 'out.bin'))).toEqual(slow);
  });
});
