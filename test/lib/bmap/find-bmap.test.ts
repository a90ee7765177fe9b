import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findBmap } from '../../../src/lib/bmap/find-bmap.js';
import { DlError, ExitCode } from '../../../src/lib/errors/dl-error.js';

const hasBmaptool = (() => {
  try {
    execFileSync('bmaptool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'dlk-find-bmap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findBmap', () => {
  it('finds nothing when no candidate exists', async () => {
    expect(await findBmap(join(dir, 'none.img.xz'))).toBeUndefined();
  });

  it.skipIf(!hasBmaptool)('takes the map of the decompressed name when IMAGE.bmap is missing', async () => {
    const img = join(dir, 'os.img');
    writeFileSync(img, Buffer.alloc(64 * 1024, 1));
    execFileSync('bmaptool', ['create', '-o', `${img}.bmap`, img]);
    const found = await findBmap(`${img}.xz`);
    expect(found?.path).toBe(`${img}.bmap`);
    expect(found?.bmap.imageSize).toBe(64 * 1024);
  });

  it('fails as unreadable input (66, DlError) when a candidate is there but is a directory', async () => {
    const img = join(dir, 'dir.img');
    mkdirSync(`${img}.bmap`);
    const err = await findBmap(img).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DlError);
    expect(err).toMatchObject({ code: 'DL_ERR_NO_INPUT', exitCode: ExitCode.NO_INPUT, details: { path: `${img}.bmap`, errno: 'EISDIR' } });
  });
});
