import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveInside } from '../archive/resolve-inside.js';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { isNotFound } from '../fs/fs-error.js';
import { ancestorsOf } from './entry-name.js';

function escapeError(root: string, path: string, why: string): DlError {
  return new DlError(`refusing to write ${path} under ${root}: ${why}`, {
    code: 'DL_ERR_UNSAFE_PATH',
    exitCode: ExitCode.REFUSED,
    hint: 'extract into an empty directory',
    details: { path },
  });
}

/**
 * Where entry `path` goes under `root`, refusing anything that would land outside it:
 * a path that resolves elsewhere, or one whose parent on disk is a symlink (which a
 * write would follow, like tar's "cannot extract through symlink").
 */
export async function extractTarget(root: string, path: string): Promise<string> {
  const target = resolveInside(root, path);
  if (target === null) throw escapeError(root, path, 'it is outside the directory');
  for (const dir of ancestorsOf(path)) {
    const stats = await lstat(resolve(root, dir)).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (stats?.isSymbolicLink()) throw escapeError(root, path, `${dir} is a symlink`);
  }
  return target;
}
