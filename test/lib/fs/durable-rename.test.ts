import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renameDurable, syncDir } from '../../../src/lib/fs/durable-rename.js';
import { straceSkipReason } from '../../helpers/strace-skip-reason.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dlkit-rename-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('renameDurable and syncDir', () => {
  it('renames many files at once into one directory, each call resolving with its name in place', async () => {
    const dir = await mkdtemp(join(root, 'many-'));
    await Promise.all(Array.from({ length: 50 }, (_, i) => writeFile(join(dir, `${i}.part`), String(i))));
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      await renameDurable(join(dir, `${i}.part`), join(dir, `${i}`));
      expect(await readFile(join(dir, `${i}`), 'utf8')).toBe(String(i));
    }));
    expect((await readdir(dir)).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('fails every caller that shares a failed directory fsync, and tries afresh afterwards', async () => {
    const dir = join(root, 'not-yet');
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => syncDir(dir)));
    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('rejected'));
    expect((settled[4] as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringContaining(`cannot sync ${dir}`) });
    await mkdir(dir);
    await expect(syncDir(dir)).resolves.toBeUndefined();
  });

  it.skipIf(straceSkipReason())('shares directory fsyncs between renames that finish together (group commit)', async () => {
    const dir = await mkdtemp(join(root, 'strace-'));
    const script = join(dir, 'renames.mjs');
    await build({
      stdin: {
        contents: `import { renameDurable } from ${JSON.stringify(fileURLToPath(new URL('../../../src/lib/fs/durable-rename.ts', import.meta.url)))};
import { writeFileSync } from 'node:fs';
const d = process.argv[2];
for (let i = 0; i < 64; i++) writeFileSync(d + '/' + i + '.part', 'x');
await Promise.all(Array.from({ length: 64 }, (_, i) => renameDurable(d + '/' + i + '.part', d + '/' + i)));`,
        resolveDir: dir,
        loader: 'ts',
      },
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'error',
    });
    const files = await mkdtemp(join(root, 'files-'));
    const log = join(dir, 'strace.log');
    const r = spawnSync('strace', ['-f', '-e', 'trace=fsync', '-o', log, process.execPath, script, files]);
    expect(r.status).toBe(0);
    expect((await readdir(files)).length).toBe(64);
    const fsyncs = (await readFile(log, 'utf8')).split('\n').filter((l) => l.includes('fsync(')).length;
    expect(fsyncs).toBeGreaterThanOrEqual(1);
    expect(fsyncs).toBeLessThan(64 / 2);
  });
});
