import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/lib/errors/dl-error.js';
import { checkpointPathOf, partPathOf, preparePartFile } from '../../../src/lib/fs/part-file.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dlkit-part-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshDir = () => mkdtemp(join(root, `t${n++}-`));

describe('part file names', () => {
  it('puts the part and the checkpoint beside the target', () => {
    expect(partPathOf('/d/img.iso')).toBe('/d/img.iso.part');
    expect(checkpointPathOf('/d/img.iso')).toBe('/d/img.iso.part.json');
  });
});

describe('preparePartFile', () => {
  it('refuses an existing target with exit 73 unless told to overwrite', async () => {
    const dir = await freshDir();
    const target = join(dir, 'out.bin');
    await writeFile(target, 'precious');
    await expect(preparePartFile(target)).rejects.toMatchObject({ code: 'DL_ERR_EXISTS', exitCode: ExitCode.CANT_CREATE });
    const part = await preparePartFile(target, { overwrite: true });
    const fh = await part.open();
    await fh.write('new');
    await fh.close();
    await part.finalize();
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  it('takes segments written out of order, reports the size for resume, and finalizes atomically', async () => {
    const dir = await freshDir();
    const target = join(dir, 'out.bin');
    const part = await preparePartFile(target);
    expect(await part.size()).toBe(0);
    let fh = await part.open();
    await fh.write(Buffer.from('world'), 0, 5, 6);
    await fh.write(Buffer.from('hello '), 0, 6, 0);
    await fh.close();
    expect(await part.size()).toBe(11);
    // Reopening never truncates: a resumed run appends after what is there.
    fh = await part.open();
    await fh.write(Buffer.from('!'), 0, 1, await part.size());
    await fh.close();
    await writeFile(part.checkpointPath, '{}');
    await writeFile(`${part.checkpointPath}.tmp-0123456789ab`, '{');
    expect((await readdir(dir)).includes('out.bin')).toBe(false);
    await part.finalize();
    expect(await readFile(target, 'utf8')).toBe('hello world!');
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('refuses to finalize over a target that appeared meanwhile, keeping the part', async () => {
    const dir = await freshDir();
    const target = join(dir, 'out.bin');
    const part = await preparePartFile(target);
    await (await part.open()).close();
    await writeFile(target, 'someone else');
    await expect(part.finalize()).rejects.toMatchObject({ code: 'DL_ERR_EXISTS' });
    expect(await readFile(target, 'utf8')).toBe('someone else');
    expect((await readdir(dir)).sort()).toEqual(['out.bin', 'out.bin.part']);
  });

  it('discard removes the part and the checkpoint, and is quiet when they are gone', async () => {
    const dir = await freshDir();
    const part = await preparePartFile(join(dir, 'out.bin'));
    await writeFile(part.partPath, 'partial');
    await writeFile(part.checkpointPath, '{}');
    await part.discard();
    expect(await readdir(dir)).toEqual([]);
    await expect(part.discard()).resolves.toBeUndefined();
  });

  it('fails with exit 73 when the output directory does not exist', async () => {
    const part = await preparePartFile(join(root, 'missing-dir', 'out.bin'));
    await expect(part.open()).rejects.toMatchObject({ code: 'DL_ERR_CANT_CREATE', exitCode: ExitCode.CANT_CREATE });
  });
});
