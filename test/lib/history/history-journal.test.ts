import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHistory, readInterrupted } from '../../../src/lib/history/history-journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const job = (n: number) => ({ job: { url: `https://h/${n}`, output: `/out/${n}`, line: n, priority: 0 }, resumable: true });

describe('history journal', () => {
  it('lists the jobs that were journaled and never ended, across batches', async () => {
    const path = join(dir, 'state', 'dlkit', 'history.ndjson');
    const a = await openHistory(path);
    const keys = await a.begin([job(1), job(2), job(3)]);
    await a.end(keys[0]!, 'ok', 0);
    await a.end(keys[2]!, 'failed', 69);
    await a.close();
    const interrupted = await readInterrupted(path);
    expect(interrupted.map((j) => j.job.line)).toEqual([2]);
    expect(interrupted[0]).toMatchObject({ key: keys[1], batch: a.batch, resumable: true });

    // A resumed batch reuses the keys and journals no new job records.
    const b = await openHistory(path);
    expect(await b.begin([{ ...job(2), key: keys[1] }])).toEqual([keys[1]]);
    await b.end(keys[1]!, 'ok', 0);
    await b.close();
    expect(await readInterrupted(path)).toEqual([]);
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(lines.map((l) => l.event)).toEqual(['batch', 'job', 'job', 'job', 'end', 'end', 'batch', 'end']);
  });

  it('skips a line torn by a crash and a missing journal is empty', async () => {
    const path = join(dir, 'h.ndjson');
    expect(await readInterrupted(path)).toEqual([]);
    const h = await openHistory(path);
    await h.begin([job(1)]);
    await h.close();
    await appendFile(path, '{"v":1,"event":"end","key":"');
    expect((await readInterrupted(path)).map((j) => j.job.line)).toEqual([1]);
  });
});
