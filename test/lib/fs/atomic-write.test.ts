import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/lib/errors/dl-error.js';
import { removeWithTemps, writeFileAtomic } from '../../../src/lib/fs/atomic-write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates, then replaces, leaving no temp file', async () => {
    const p = join(dir, 'a.json');
    await writeFileAtomic(p, 'one');
    await writeFileAtomic(p, Buffer.from('two'));
    expect(await readFile(p, 'utf8')).toBe('two');
    expect((await readdir(dir)).filter((n) => n.startsWith('a.json'))).toEqual(['a.json']);
  });

  it('fails with "cannot create" (73) when the directory is missing', async () => {
    await expect(writeFileAtomic(join(dir, 'no-such-dir', 'x'), 'data')).rejects.toMatchObject({
      code: 'DL_ERR_CANT_CREATE',
      exitCode: ExitCode.CANT_CREATE,
    });
  });

  it('removes its temp file when the rename fails (target is a directory)', async () => {
    const target = join(dir, 'is-a-dir');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({ exitCode: ExitCode.CANT_CREATE });
    expect((await readdir(dir)).filter((n) => n.startsWith('is-a-dir'))).toEqual(['is-a-dir']);
  });
});

/** A 64 KiB tmpfs, the real way to run out of space; needs root and mount(8). */
const tinyFs = join(tmpdir(), `dlkit-tinyfs-${process.pid}`);
const canMount = (() => {
  try {
    execFileSync('mkdir', ['-p', tinyFs]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', tinyFs], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!canMount)('writeFileAtomic on a full filesystem (tmpfs, needs mount permission)', () => {
  afterAll(() => {
    execFileSync('umount', [tinyFs]);
    execFileSync('rmdir', [tinyFs]);
  });

  it('fails with ENOSPC → exit 74, keeps the old content and cleans its temp file', async () => {
    const p = join(tinyFs, 'state.json');
    await writeFileAtomic(p, 'old');
    await expect(writeFileAtomic(p, Buffer.alloc(256 * 1024, 1))).rejects.toMatchObject({
      code: 'DL_ERR_NO_SPACE',
      exitCode: ExitCode.IO,
    });
    expect(await readFile(p, 'utf8')).toBe('old');
    expect(await readdir(tinyFs)).toEqual(['state.json']);
  });
});

describe('removeWithTemps', () => {
  it('removes the file and its writeFileAtomic leftovers, nothing else', async () => {
    const sub = await mkdtemp(join(dir, 'rm-'));
    const p = join(sub, 'x.part.json');
    const names = ['x.part.json', 'x.part.json.tmp-0123456789ab', 'x.part.json.tmp-ffffffffffff', 'x.part.json.tmp-notours', 'x.part', 'y.part.json.tmp-0123456789ab'];
    await Promise.all(names.map((n) => writeFile(join(sub, n), n)));
    await removeWithTemps(p);
    expect((await readdir(sub)).sort()).toEqual(['x.part', 'x.part.json.tmp-notours', 'y.part.json.tmp-0123456789ab']);
  });

  it('is quiet when nothing is there', async () => {
    await expect(removeWithTemps(join(dir, 'never-written'))).resolves.toBeUndefined();
    await expect(removeWithTemps(join(dir, 'no-dir', 'x'))).resolves.toBeUndefined();
  });
});
