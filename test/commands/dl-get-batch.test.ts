import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { nginxSkipReason, startNginx, type Nginx } from '../servers/nginx.js';
import { batchGet, hookSkipReason } from './dl-get-batch-harness.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const FAST = ['--retries', '1', '--timeout', '2', '--progress', 'json'];

// tmpfs when there is one: every finished file is fsynced, and on a disk shared with other
// work those syncs, not the batch, would set the pace of a 2,000-file test.
const TMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(TMP, 'dlkit-batch-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Body bytes and GET requests in the access log nginx writes for us (combined format). */
async function bodyBytes(log: string): Promise<{ bytes: number; gets: number }> {
  const lines = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const parsed = lines.map((l) => /"(\w+) [^"]*" \d+ (\d+)/.exec(l)!);
  return { bytes: parsed.reduce((n, m) => n + Number(m[2]), 0), gets: parsed.filter((m) => m[1] === 'GET').length };
}

describe.skipIf(hookSkipReason() ?? nginxSkipReason())('dl-get -i: 2,000 files from nginx', () => {
  const COUNT = 2000;
  let nginx: Nginx;
  let files: Map<string, Buffer>;
  let log: string;
  let list: string;
  beforeAll(async () => {
    const root = await freshDir('www');
    files = new Map();
    for (let i = 0; i < COUNT; i++) files.set(`f${i}.bin`, randomBytes(512 + ((i * 37) % 3000)));
    await Promise.all([...files].map(([name, body]) => writeFile(join(root, name), body)));
    log = join(work, 'access.log');
    nginx = await startNginx({ root, extraConfig: `access_log ${log};` });
    list = join(work, 'list.txt');
    await writeFile(list, [...files.keys()].map((n) => `${nginx.url}/${n}`).join('\n') + '\n');
  });
  afterAll(async () => {
    await nginx?.stop();
  });

  it('-j 16: every file correct, one result line each; again through the cache: no body bytes', async () => {
    const env = { XDG_STATE_HOME: join(work, 'state') };
    const cache = join(work, 'cache');
    const first = await freshDir('out1');
    const r1 = await batchGet(['-i', list, '-j', '16', '--json', '-q', '-d', first, '--cache', cache], { cwd: work, env });
    expect(r1.code).toBe(0);
    expect(r1.results).toHaveLength(COUNT);
    expect(new Set(r1.results.map((r) => r.output)).size).toBe(COUNT);
    expect(r1.results.every((r) => r.status === 'ok')).toBe(true);
    for (const [name, body] of files) expect(sha256(await readFile(join(first, name)))).toBe(sha256(body));
    const before = await bodyBytes(log);
    expect(before.bytes).toBe([...files.values()].reduce((n, b) => n + b.length, 0));

    const second = await freshDir('out2');
    const r2 = await batchGet(['-i', list, '-j', '16', '--json', '-q', '-d', second, '--cache', cache], { cwd: work, env });
    expect(r2.code).toBe(0);
    expect(r2.results).toHaveLength(COUNT);
    expect(r2.results.every((r) => r.status === 'cached' && r.fetched === 0)).toBe(true);
    for (const [name, body] of files) expect((await readFile(join(second, name))).equals(body)).toBe(true);
    const after = await bodyBytes(log);
    expect(after.bytes - before.bytes).toBe(0);
    expect(after.gets - before.gets).toBe(0);
    expect(r2.summary).toMatchObject({ jobs: COUNT, cached: COUNT, fetched: 0, exitCode: 0 });
  });

  it('--skip-existing keeps complete files and fetches no body', async () => {
    const out = await freshDir('skip');
    const some = [...files].slice(0, 20);
    await writeFile(join(work, 'some.txt'), some.map(([n]) => `${nginx.url}/${n}`).join('\n'));
    await batchGet(['-i', 'some.txt', '-d', out, '-q'], { cwd: work });
    // One file cut short is not complete: it is fetched again.
    await writeFile(join(out, some[0]![0]), some[0]![1].subarray(0, 10));
    const before = await bodyBytes(log);
    const r = await batchGet(['-i', 'some.txt', '-d', out, '--skip-existing', '--json', '-q'], { cwd: work });
    expect(r.code).toBe(0);
    expect(r.results.filter((x) => x.status === 'skipped')).toHaveLength(19);
    expect(r.results.find((x) => x.status === 'ok')?.output).toBe(join(out, some[0]![0]));
    expect((await bodyBytes(log)).bytes - before.bytes).toBe(some[0]![1].length);
  });

  it('--limit-rate is one budget for all jobs together', async () => {
    const big = await freshDir('www-rate');
    await Promise.all([0, 1, 2, 3].map((i) => writeFile(join(big, `r${i}`), randomBytes(128 * 1024))));
    const srv = await startNginx({ root: big });
    try {
      await writeFile(join(work, 'rate.txt'), [0, 1, 2, 3].map((i) => `${srv.url}/r${i}`).join('\n'));
      const t0 = performance.now();
      const r = await batchGet(['-i', 'rate.txt', '-j', '4', '-d', await freshDir('rate'), '--limit-rate', '256k', '-q'], { cwd: work });
      const seconds = (performance.now() - t0) / 1000;
      expect(r.code).toBe(0);
      // 512 KiB at 256 KiB/s in total: about 2 s (each job alone at 256 KiB/s would take 0.5 s).
      expect(seconds).toBeGreaterThan(1.6);
    } finally {
      await srv.stop();
    }
  });
});

describe.skipIf(hookSkipReason())('dl-get -i: jobs, failures, order, metrics', () => {
  let srv: FaultServer;
  const good = [randomBytes(3000), randomBytes(5000), randomBytes(7000)];
  beforeAll(async () => {
    srv = await startFaultServer({
      routes: {
        '/a': { body: good[0] },
        '/b': { body: good[1] },
        '/c': { body: good[2] },
        '/flaky': { body: good[0], faults: [{ kind: 'status', status: 503 }] },
        '/down': { body: good[0], faults: () => ({ kind: 'status', status: 503 }) },
        '/flaky-metrics': { body: good[0], faults: [{ kind: 'status', status: 503 }] },
        '/slow1': { body: randomBytes(96 * 1024), rate: 96 * 1024 },
        '/slow2': { body: randomBytes(96 * 1024), rate: 96 * 1024 },
      },
    });
  });
  afterAll(async () => {
    await srv.close();
  });

  it('failing jobs are reported per job, the others complete, and the exit code is the most severe', async () => {
    const out = await freshDir('mixed');
    const jobs = [
      `${srv.url}/a`,
      JSON.stringify({ url: `${srv.url}/b`, expect: `sha256:${sha256(good[1]!)}` }),
      JSON.stringify({ url: `${srv.url}/c`, output: 'bad-digest', expect: `sha256:${'0'.repeat(64)}` }),
      `${srv.url}/missing`,
      `${srv.url}/flaky`,
      `${srv.url}/down`,
    ];
    const r = await batchGet(['-i', '-', '-d', out, '--json', ...FAST], { cwd: out, stdin: jobs.join('\n') });
    const by = Object.fromEntries(r.results.map((x) => [x.line, x]));
    expect(by[1]).toMatchObject({ status: 'ok', bytes: 3000 });
    expect(by[2]).toMatchObject({ status: 'ok', digests: { sha256: sha256(good[1]!) } });
    expect(by[3]).toMatchObject({ status: 'failed', error: { code: 'DL_ERR_INTEGRITY', exitCode: 65 } });
    expect(by[4]).toMatchObject({ status: 'failed', error: { exitCode: 69 } });
    expect(by[5]).toMatchObject({ status: 'ok' });
    expect(by[6]).toMatchObject({ status: 'failed', error: { exitCode: 75 } });
    expect(r.code).toBe(65);
    expect(r.summary).toMatchObject({ jobs: 6, ok: 3, failed: 3, exitCode: 65 });
    expect(await readFile(join(out, 'a'))).toEqual(good[0]);
    expect(r.events.filter((e) => e.type === 'error').map((e) => e.id).sort()).toEqual(['bad-digest', 'down', 'missing']);
  });

  it('--fail-fast stops at the first failure; jobs not run are cancelled, not failed', async () => {
    const out = await freshDir('failfast');
    const jobs = [`${srv.url}/missing`, `${srv.url}/a`, `${srv.url}/b`];
    const r = await batchGet(['-i', '-', '-j', '1', '-d', out, '--json', '--fail-fast', ...FAST], { cwd: out, stdin: jobs.join('\n') });
    expect(r.code).toBe(69);
    expect(r.results.map((x) => x.status)).toEqual(['failed', 'cancelled', 'cancelled']);
  });

  it('-j 1 runs higher priorities first, FIFO within a priority', async () => {
    const out = await freshDir('prio');
    const job = (path: string, output: string, priority?: number) => JSON.stringify({ url: `${srv.url}${path}`, output, priority });
    const jobs = [job('/a', 'p0-first'), job('/b', 'p5-first', 5), job('/c', 'p0-second', 0), job('/a', 'p9', 9), job('/b', 'p5-second', 5), job('/c', 'neg', -1)];
    const r = await batchGet(['-i', '-', '-j', '1', '--json', ...FAST], { cwd: out, stdin: jobs.join('\n') });
    expect(r.code).toBe(0);
    expect(r.results.map((x) => String(x.output).split('/').pop())).toEqual(['p9', 'p5-first', 'p5-second', 'p0-first', 'p0-second', 'neg']);
  });

  it('a URL listed twice is fetched once; the second job is a local copy', async () => {
    const out = await freshDir('dupes');
    const before = srv.bytesFor('/c');
    const jobs = [JSON.stringify({ url: `${srv.url}/c`, output: 'one' }), JSON.stringify({ url: `${srv.url}/c`, output: 'two' })];
    const r = await batchGet(['-i', '-', '-j', '2', '--json', ...FAST], { cwd: out, stdin: jobs.join('\n') });
    expect(r.code).toBe(0);
    expect(r.results.map((x) => x.status).sort()).toEqual(['cached', 'ok']);
    expect(srv.bytesFor('/c') - before).toBe(good[2]!.length);
    expect(await readFile(join(out, 'two'))).toEqual(good[2]);
  });

  it('malformed lines are reported with their line numbers and skipped; --strict refuses the list', async () => {
    const out = await freshDir('malformed');
    const text = [`${srv.url}/a`, '# a comment', 'not a url', '{"url": 5}', '', `{"url": "${srv.url}/b", "segments": 0}`, `{"url": "${srv.url}/b"`, `${srv.url}/c`].join('\n');
    await writeFile(join(out, 'jobs.txt'), text);
    const r = await batchGet(['-i', 'jobs.txt', '--json', ...FAST], { cwd: out });
    expect(r.code).toBe(0);
    expect(r.results.map((x) => x.line).sort()).toEqual([1, 8]);
    const warned = r.events.filter((e) => e.code === 'DL_WARN_JOB_LINE').map((e) => String(e.message).split(':').slice(0, 2).join(':'));
    expect(warned).toEqual(['jobs.txt:3', 'jobs.txt:4', 'jobs.txt:6', 'jobs.txt:7']);

    const before = srv.stats.requests.length;
    const strict = await batchGet(['-i', 'jobs.txt', '--strict', ...FAST], { cwd: out });
    expect(strict.code).toBe(64);
    expect(strict.events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_USAGE' });
    expect(srv.stats.requests.length).toBe(before);
  });

  it('--metrics-file writes a Prometheus textfile', async () => {
    const out = await freshDir('metrics');
    const jobs = [`${srv.url}/a`, `${srv.url}/b`, `${srv.url}/missing`, `${srv.url}/flaky-metrics`];
    const r = await batchGet(['-i', '-', '--metrics-file', 'dl.prom', ...FAST], { cwd: out, stdin: jobs.join('\n') });
    expect(r.code).toBe(69);
    const families = parsePrometheusTextFormat(await readFile(join(out, 'dl.prom'), 'utf8'));
    const by = Object.fromEntries(families.map((f) => [f.name, f]));
    const host = new URL(srv.url).host;
    expect(by.dlkit_batch_bytes_total?.metrics).toEqual([{ value: String(3000 + 5000 + 3000) }]);
    expect(by.dlkit_batch_jobs?.metrics).toEqual([
      { labels: { status: 'failed' }, value: '1' },
      { labels: { status: 'ok' }, value: '3' },
    ]);
    expect(by.dlkit_batch_retries_total?.metrics).toEqual([{ labels: { host }, value: '1' }]);
    expect(by.dlkit_batch_active_downloads?.metrics).toEqual([{ value: '0' }]);
  });

  it('on a terminal: one line per running job and a total line with its ETA', async () => {
    const out = await freshDir('tty');
    const r = await batchGet(['-i', '-', '-j', '2', '--progress', 'tty', '--retries', '1'], { cwd: out, stdin: `${srv.url}/slow1\n${srv.url}/slow2\n` });
    expect(r.code).toBe(0);
    // A redraw: back up over the block, then one erased line per item.
    const frames = r.stderr.split('\x1b[J').map((f) => f.split('\x1b[2K').slice(1).map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')));
    const full = frames.find((lines) => lines.some((l) => l.startsWith('slow1')) && lines.some((l) => l.startsWith('slow2')));
    expect(full?.find((l) => l.startsWith('total (2 jobs)'))).toMatch(/ETA/);
  });

  it('--cache without DIR uses $XDG_CACHE_HOME/dlkit, and --cache-max evicts down to SIZE', async () => {
    const out = await freshDir('cachemax');
    const env = { XDG_CACHE_HOME: join(out, 'xdg-cache') };
    const r = await batchGet(['--cache', '-i', '-', '--cache-max', '6k', '--json', ...FAST], { cwd: out, env, stdin: `${srv.url}/a\n${srv.url}/b\n` });
    expect(r.code).toBe(0);
    const objects = join(out, 'xdg-cache', 'dlkit', 'objects');
    const sizes = await Promise.all((await readdir(objects, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map(async (d) => (await readFile(join(d.parentPath, d.name))).length));
    expect(sizes.length).toBe(1);
    expect(sizes[0]).toBeLessThanOrEqual(6 * 1024);
  });

  it.each([
    [['-o', 'x']],
    [['--expect', `sha256:${'0'.repeat(64)}`]],
    [['--auto-checksum']],
    [['https://h/x']],
    [['-j', '0']],
    [['--cache-max', '1M']],
  ])('-i with %j is a usage error, before any request', async (extra) => {
    const out = await freshDir('usage');
    const before = srv.stats.requests.length;
    const r = await batchGet(['-i', '-', ...extra, ...FAST], { cwd: out, stdin: `${srv.url}/a\n` });
    expect(r.code).toBe(64);
    expect(srv.stats.requests.length).toBe(before);
  });

  it('no metrics file appears unless asked for', async () => {
    const out = await freshDir('nometrics');
    await batchGet(['-i', '-', ...FAST], { cwd: out, stdin: `${srv.url}/a\n` });
    expect(await readdir(out)).toEqual(['a']);
  });
});
