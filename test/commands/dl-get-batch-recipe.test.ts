import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { bundleDlGet, hookSkipReason } from './dl-get-batch-harness.js';

const RECIPE = fileURLToPath(new URL('../../recipes/batch-parallel.mk', import.meta.url));
const parallelSkipReason = (): string | undefined =>
  spawnSync('sh', ['-c', 'parallel --version | grep -q "GNU parallel"']).status === 0 ? undefined : 'GNU parallel is not installed (apt-get install parallel)';

describe.skipIf(hookSkipReason() ?? parallelSkipReason())('recipes/batch-parallel.mk', () => {
  let srv: FaultServer;
  let dir: string;
  let bundle: Awaited<ReturnType<typeof bundleDlGet>>;
  const bodies = Array.from({ length: 30 }, () => randomBytes(2048));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlkit-recipe-'));
    bundle = await bundleDlGet();
    srv = await startFaultServer({ routes: Object.fromEntries(bodies.map((body, i) => [`/f${i}`, { body }])) });
  });
  afterAll(async () => {
    await srv.close();
    await bundle.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('three local slots (--sshlogin 3/:) fetch every job of the list exactly once', async () => {
    await writeFile(join(dir, 'list.txt'), bodies.map((_, i) => `${srv.url}/f${i}`).join('\n'));
    const vars = ['JOBS=list.txt', 'HOSTS=3/:', 'SHARDS=3', `DIR=${join(dir, 'out')}`, `DL_GET=${process.execPath} ${bundle.path}`, 'DL_GET_FLAGS=-q -j 4'];
    const { stdout } = await promisify(execFile)('make', ['-s', '-f', RECIPE, 'batch', ...vars], { cwd: dir, env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } });
    const summaries = stdout.split('\n').filter((l) => l.includes('# '));
    expect(summaries.map((l) => l.split('\t')[0]).sort()).toEqual(['1', '2', '3']);
    expect((await readdir(join(dir, 'out'))).length).toBe(bodies.length);
    for (const [i, body] of bodies.entries()) {
      expect((await readFile(join(dir, 'out', `f${i}`))).equals(body)).toBe(true);
      expect(srv.bytesFor(`/f${i}`)).toBe(body.length);
    }
  });
});
