import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../servers/fault-server.js';
import { bundleDlGet, hookSkipReason } from './dl-get-batch-harness.js';
import { straceSkipReason } from '../helpers/strace-skip-reason.js';

const FILES = 6;

describe.skipIf(hookSkipReason() ?? straceSkipReason())('dl-get -i: what each file is synced with (strace)', () => {
  let srv: FaultServer;
  let dir: string;
  let bundle: Awaited<ReturnType<typeof bundleDlGet>>;
  let list: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlkit-batch-fsync-'));
    bundle = await bundleDlGet();
    srv = await startFaultServer({ routes: Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`/f${i}`, { body: randomBytes(64 * 1024) }])) });
    list = join(dir, 'list.txt');
    await writeFile(list, Array.from({ length: FILES }, (_, i) => `${srv.url}/f${i}\n`).join(''));
  });
  afterAll(async () => {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
    await bundle.remove();
  });

  /** The fsync/fdatasync calls on each part file (`strace -y` names an fd's path). */
  async function partSyncs(name: string, extra: string[]): Promise<string[]> {
    const out = join(dir, name);
    const log = join(dir, `${name}.strace`);
    const env = { ...process.env, XDG_STATE_HOME: join(dir, 'state') };
    // Not spawnSync: the fault server answering the child runs in this process.
    const child = spawn('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync', '-o', log, process.execPath, bundle.path, '-i', list, '-d', out, '-q', ...extra], { env, stdio: 'ignore' });
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect((await readdir(out)).length).toBe(FILES);
    return (await readFile(log, 'utf8')).split('\n').filter((l) => /sync\(\d+<[^>]*\.part>/.test(l));
  }

  it('syncs every file before its rename by default; --no-fsync leaves the data to the page cache', async () => {
    expect((await partSyncs('default', [])).length).toBe(FILES);
    expect(await partSyncs('no-fsync', ['--no-fsync'])).toEqual([]);
  });
});
