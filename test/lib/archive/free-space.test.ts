import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTar } from '../../../src/lib/archive/extract-tar.js';
import { extractZip } from '../../../src/lib/archive/extract-zip.js';
import { chunksOf, hasTool, sh, tempDir } from '../unpack/tools.js';

/** A 1 MiB tmpfs as DIR (root only: skipped elsewhere) and archives holding 3 MiB. */
const tmp = tempDir('dl-unpack-space-');
const small = join(tmp.dir, 'small');
mkdirSync(small);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [small]);
  tmp.cleanup();
});

describe.skipIf(!mounted)('free space (needs root to mount a tmpfs)', () => {
  it('a tar member larger than the free space stops with exit 73 before it is written', async () => {
    sh('head -c 3000000 /dev/urandom > big && tar -cf t.tar big', tmp.dir);
    const r = extractTar(chunksOf(readFileSync(join(tmp.dir, 't.tar'))), { dir: small });
    await expect(r).rejects.toMatchObject({ code: 'DL_ERR_NO_SPACE', exitCode: 73 });
    expect(readdirSync(small)).toEqual([]);
  });

  it.skipIf(!hasTool('zip'))('a zip declaring more than the free space is refused up front', async () => {
    sh('head -c 3000000 /dev/zero > zeros && zip -q z.zip zeros', tmp.dir);
    await expect(extractZip(join(tmp.dir, 'z.zip'), { dir: small })).rejects.toMatchObject({ code: 'DL_ERR_NO_SPACE' });
    expect(readdirSync(small)).toEqual([]);
  });
});
