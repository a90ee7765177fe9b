import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mappedBytes, parseBmap } from '../../../src/lib/bmap/bmap-file.js';
import { bmapCandidates, findBmap } from '../../../src/lib/bmap/find-bmap.js';
import { RangeChecker } from '../../../src/lib/bmap/range-checker.js';
import { DlError, ExitCode } from '../../../src/lib/errors/dl-error.js';

const hasBmaptool = (() => {
  try {
    execFileSync('bmaptool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const MiB = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'dlk-bmap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file with data at the given MiB offsets, and its bytes. */
function sparseImage(name: string, size: number, at: number[], tail = 0): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  execFileSync('truncate', ['-s', String(size + tail), path]);
  const fd = openSync(path, 'r+');
  for (const mib of at) writeSync(fd, randomBytes(MiB), 0, MiB, mib * MiB);
  if (tail) writeSync(fd, randomBytes(tail), 0, tail, size);
  closeSync(fd);
  return { path, bytes: readFileSync(path) };
}

describe.skipIf(!hasBmaptool)('bmap files made by bmaptool create', () => {
  it('reads the ranges, sizes and checksums, and they hold for the image', () => {
    const { path, bytes } = sparseImage('a.img', 32 * MiB, [0, 1, 9, 20], 1000);
    const bmap = parseBmap(execFileSync('bmaptool', ['create', path], { encoding: 'utf8' }));
    expect(bmap).toMatchObject({ version: '2.0', imageSize: 32 * MiB + 1000, blockSize: 4096, checksumType: 'sha256' });
    expect(bmap.ranges.map((r) => [r.start, r.end])).toEqual([[0, 2 * MiB], [9 * MiB, 10 * MiB], [20 * MiB, 21 * MiB], [32 * MiB, 32 * MiB + 1000]]);
    expect(mappedBytes(bmap)).toBe(4 * MiB + 1000);
    const checker = new RangeChecker(bmap);
    for (const r of bmap.ranges) for (let at = r.start; at < r.end; at += 700_000) checker.add(bytes.subarray(at, Math.min(at + 700_000, r.end)), at);
    expect(checker.complete).toBe(true);
  });

  it('refuses a bmap whose own checksum does not match, and bytes that differ from a range (65)', () => {
    const { path, bytes } = sparseImage('b.img', 8 * MiB, [2]);
    const text = execFileSync('bmaptool', ['create', path], { encoding: 'utf8' });
    expect(() => parseBmap(text.replace('<BlocksCount> 2048', '<BlocksCount> 2049'))).toThrow(expect.objectContaining({ exitCode: 65 }));
    const bmap = parseBmap(text);
    const changed = Buffer.from(bytes.subarray(2 * MiB, 3 * MiB));
    changed[77] = changed[77]! ^ 1;
    expect(() => new RangeChecker(bmap).add(changed, 2 * MiB)).toThrow(expect.objectContaining({ exitCode: 65, details: expect.objectContaining({ offset: 2 * MiB }) }));
  });

  it('refuses other format versions', () => {
    expect(() => parseBmap('<bmap version="1.4"><ImageSize>1</ImageSize></bmap>')).toThrow(/version 1\.4/);
  });
});

describe('bmap beside an image', () => {
  it('is looked for as bmaptool does', () => {
    expect(bmapCandidates('/x/os.img.xz')).toEqual(['/x/os.img.xz.bmap', '/x/os.img.bmap', '/x/os.bmap']);
    expect(bmapCandidates('/a.b/os')).toEqual(['/a.b/os.bmap']);
  });

  it('is not found when no candidate exists', async () => {
    expect(await findBmap(join(dir, 'none.img.xz'))).toBeUndefined();
  });

  it.skipIf(!hasBmaptool)('is the map of the decompressed name when IMAGE.bmap is missing', async () => {
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
