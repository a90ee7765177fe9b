import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { seededBytes } from '../servers/seeded-random.js';
import { dlGet, FAST, sha256, tempDir } from './dl-get-harness.js';

const body = seededBytes(2 * 1024 * 1024 + 333, 5);
const digest = sha256(body);

describe('dl-get', () => {
  let srv: FaultServer;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    srv = await startFaultServer({ routes: { '/f.bin': { body } } });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await srv.close();
    await tmp.cleanup();
  });

  it('downloads to -o FILE with 4 segments, verifies, and emits valid events', async () => {
    const out = join(tmp.dir, 'a.bin');
    const r = await dlGet([...FAST, '-s', '4', '-k', '64k', '--expect', `sha256:${digest}`, '-o', out, `${srv.url}/f.bin`]);
    expect(r.code).toBe(0);
    expect(sha256(await readFile(out))).toBe(digest);
    const types = r.events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types).toContain('verify');
    expect(types.at(-1)).toBe('end');
    expect(r.events[0]).toMatchObject({ total: body.length, segments: 4, resumeFrom: 0 });
    expect(r.events.at(-1)).toMatchObject({ bytes: body.length, status: 206, path: out, digests: { sha256: digest } });
  });

  it('streams to stdout in order when stdout is a pipe, with segments', async () => {
    const r = await dlGet([...FAST, '-s', '4', '-k', '64k', `${srv.url}/f.bin`]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(body.length);
    expect(sha256(r.stdout)).toBe(digest);
  });
});
