import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../../../src/lib/hash/algorithms.js';
import { hashFile } from '../../../src/lib/hash/hash-file.js';
import { hashFiles, type HashOutcome } from '../../../src/lib/hash/hash-files.js';
import { HashPool, resolveWorkerUrl } from '../../../src/lib/hash/hash-pool.js';
import { buildWithTsup } from './build-worker.js';

let dir: string;
let dist: string;
let workerUrl: URL;
const files: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-hash-pool-'));
  for (let i = 0; i < 12; i++) {
    files.push(join(dir, `f${i}`));
    writeFileSync(join(dir, `f${i}`), randomBytes(i * 300_001));
  }
  // Inside the project, so the built chunks resolve hash-wasm from its node_modules.
  mkdirSync('node_modules/.cache', { recursive: true });
  dist = mkdtempSync(join(process.cwd(), 'node_modules/.cache/dlkit-hash-dist-'));
  // Two entries sharing hash-files: tsup puts it in a chunk at dist/, while commands/one.js
  // also bundles code of its own: the worker must be found from both places.
  const fixture = join(dir, 'entry.ts');
  writeFileSync(
    fixture,
    `import { hashFiles } from ${JSON.stringify(join(process.cwd(), 'src/lib/hash/hash-files.ts'))};
     for await (const r of hashFiles(process.argv.slice(2), ['sha256'], { concurrency: 2 }))
       console.log(r.ok ? r.digests.sha256 + ' ' + r.path : 'error ' + r.error.code);`,
  );
  await buildWithTsup(dist, { 'commands/one': fixture, index: fixture });
  workerUrl = pathToFileURL(join(dist, 'lib/hash/hash-worker.js'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

const sha256Of = async (path: string) => (await hashFile(path, ['sha256'])).digests.sha256;

describe('hashFiles', () => {
  it('hashes many files on the pool, every algorithm, results in the order given', async () => {
    const got: HashOutcome[] = [];
    for await (const r of hashFiles(files, ALGORITHMS, { workerUrl, concurrency: 3 })) got.push(r);
    expect(got.map((r) => r.path)).toEqual(files);
    for (const r of got) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r).toEqual({ ok: true, ...(await hashFile(r.path, ALGORITHMS)) });
    }
  });

  it('reports a failed file in its place and goes on', async () => {
    const paths = [files[1] as string, join(dir, 'missing'), dir, files[2] as string];
    const got: HashOutcome[] = [];
    for await (const r of hashFiles(paths, ['md5'], { workerUrl })) got.push(r);
    expect(got.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'DL_ERR_NO_INPUT', 'DL_ERR_IS_DIRECTORY', 'ok']);
    expect(got[1]).toMatchObject({ ok: false, error: { exitCode: 66, message: `${join(dir, 'missing')}: No such file or directory` } });
    expect(got[2]).toMatchObject({ ok: false, error: { exitCode: 1, message: `${dir}: Is a directory` } });
  });

  it('one file is hashed in this thread, with no worker to find', async () => {
    const got: HashOutcome[] = [];
    for await (const r of hashFiles([files[3] as string], ['sha256'], { workerUrl: new URL('file:///nonexistent.js') })) got.push(r);
    expect(got).toEqual([{ ok: true, path: files[3], bytes: 3 * 300_001, digests: { sha256: await sha256Of(files[3] as string) } }]);
  });
});

describe('HashPool', () => {
  it('hashes in parallel: a file finishes while another worker waits on a FIFO', async () => {
    const fifo = join(dir, 'fifo');
    await promisify(execFile)('mkfifo', [fifo]);
    const pool = new HashPool({ size: 2, workerUrl });
    try {
      const blocked = pool.hash(fifo, ['sha256']);
      const other = await pool.hash(files[5] as string, ['sha256']);
      expect(other.digests.sha256).toBe(await sha256Of(files[5] as string));
      const writer = await open(fifo, 'w');
      await writer.write(Buffer.from('late bytes'));
      await writer.close();
      expect(await blocked).toMatchObject({ bytes: 10 });
    } finally {
      await pool.close();
    }
  });

  it('aborts a queued task and a running one', async () => {
    const fifo = join(dir, 'fifo2');
    await promisify(execFile)('mkfifo', [fifo]);
    const pool = new HashPool({ size: 1, workerUrl });
    const controller = new AbortController();
    try {
      // Expectations attached now: the rejections may come before they are awaited.
      const running = expect(pool.hash(fifo, ['sha256'], { signal: controller.signal })).rejects.toMatchObject({
        code: 'DL_ERR_INTERRUPTED',
        exitCode: 130,
      });
      const queued = expect(pool.hash(files[4] as string, ['sha256'], { signal: controller.signal })).rejects.toMatchObject({
        code: 'DL_ERR_INTERRUPTED',
      });
      const writer = await open(fifo, 'w'); // the worker's open() returns once a writer is there
      await writer.write(Buffer.alloc(1 << 20));
      await new Promise((r) => setTimeout(r, 50));
      controller.abort();
      await queued;
      await writer.write(Buffer.alloc(1 << 20)).catch(() => undefined);
      await writer.close();
      await running;
    } finally {
      await pool.close();
    }
  });

  it('a worker that cannot start fails its task with DL_ERR_HASH_WORKER', async () => {
    const bad = join(dir, 'bad-worker.js');
    writeFileSync(bad, 'throw new Error("boom")');
    const pool = new HashPool({ size: 1, workerUrl: pathToFileURL(bad) });
    await expect(pool.hash(files[1] as string, ['md5'])).rejects.toMatchObject({ code: 'DL_ERR_HASH_WORKER' });
    await pool.close();
  });
});

describe('worker resolution in the built package', () => {
  it.each(['commands/one.js', 'index.js'])('dist/%s finds dist/lib/hash/hash-worker.js', async (entry) => {
    const { stdout } = await promisify(execFile)('node', [join(dist, entry), files[6] as string, files[7] as string]);
    expect(stdout).toBe(`${await sha256Of(files[6] as string)} ${files[6]}\n${await sha256Of(files[7] as string)} ${files[7]}\n`);
  });

  it('resolveWorkerUrl looks beside the module and under lib/hash of its ancestors', () => {
    const root = join(dir, 'layout');
    mkdirSync(join(root, 'lib/hash'), { recursive: true });
    writeFileSync(join(root, 'lib/hash/hash-worker.js'), '');
    const expected = pathToFileURL(join(root, 'lib/hash/hash-worker.js')).href;
    for (const from of ['chunk-ABC.js', 'commands/dl-hash.js', 'lib/hash/hash-pool.js']) {
      expect(resolveWorkerUrl(pathToFileURL(join(root, from)).href).href, from).toBe(expected);
    }
    expect(() => resolveWorkerUrl(pathToFileURL(join(dir, 'elsewhere/x/y/z.js')).href)).toThrow(
      expect.objectContaining({ code: 'DL_ERR_HASH_WORKER' }),
    );
  });
});
