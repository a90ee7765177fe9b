import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTarget } from '../../../src/lib/stargz/extract-target.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dlkit-extract-target-'));
  mkdirSync(join(root, 'real'));
  symlinkSync('/tmp', join(root, 'link'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('extractTarget', () => {
  it.each(['a', 'real/b', '..foo', 'x/..bar/c', '...'])('%s lands inside the directory', async (path) => {
    await expect(extractTarget(root, path)).resolves.toBe(join(root, path));
  });

  it.each(['../escape', 'a/../../escape', '/etc/passwd', '..', ''])('%s is refused: DL_ERR_UNSAFE_PATH, exit 77', async (path) => {
    await expect(extractTarget(root, path)).rejects.toMatchObject({ code: 'DL_ERR_UNSAFE_PATH', exitCode: 77 });
  });

  it('a path whose parent on disk is a symlink is refused', async () => {
    await expect(extractTarget(root, 'link/file')).rejects.toMatchObject({ code: 'DL_ERR_UNSAFE_PATH', message: expect.stringContaining('link is a symlink') });
  });
});
