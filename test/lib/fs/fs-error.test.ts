import { readFile } from 'node:fs/promises';
import { describe, expect, it, test } from 'vitest';
import { DlError, ExitCode } from '../../../src/lib/errors/dl-error.js';
import { fsError, type FsAction } from '../../../src/lib/fs/fs-error.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code });

describe('fsError', () => {
  test.each<[string, FsAction, string, number]>([
    ['ENOSPC', 'write', 'DL_ERR_NO_SPACE', ExitCode.IO],
    ['EDQUOT', 'write', 'DL_ERR_NO_SPACE', ExitCode.IO],
    ['EIO', 'sync', 'DL_ERR_IO', ExitCode.IO],
    ['EACCES', 'create', 'DL_ERR_PERMISSION', ExitCode.REFUSED],
    ['EPERM', 'rename', 'DL_ERR_PERMISSION', ExitCode.REFUSED],
    ['EROFS', 'create', 'DL_ERR_CANT_CREATE', ExitCode.CANT_CREATE],
    ['ENOENT', 'create', 'DL_ERR_CANT_CREATE', ExitCode.CANT_CREATE],
    ['ENOENT', 'read', 'DL_ERR_NO_INPUT', ExitCode.NO_INPUT],
    ['ENOTDIR', 'stat', 'DL_ERR_NO_INPUT', ExitCode.NO_INPUT],
    ['EISDIR', 'write', 'DL_ERR_CANT_CREATE', ExitCode.CANT_CREATE],
    ['EMFILE', 'create', 'DL_ERR_IO', ExitCode.IO],
    ['EWHATEVER', 'write', 'DL_ERR_IO', ExitCode.IO],
  ])('%s while %s → %s (exit %i)', (code, action, dlCode, exitCode) => {
    const e = fsError(errno(code), '/x/out.img', action);
    expect(e).toBeInstanceOf(DlError);
    expect(e.code).toBe(dlCode);
    expect(e.exitCode).toBe(exitCode);
    expect(e.message).toContain('/x/out.img');
    expect(e.message).toContain(action);
    expect(e.hint).toBeTruthy();
    expect(e.details).toMatchObject({ path: '/x/out.img', action, errno: code });
  });

  it('marks running out of file descriptors as retryable, and nothing else', () => {
    expect(fsError(errno('EMFILE'), 'p', 'create').retryable).toBe(true);
    expect(fsError(errno('ENOSPC'), 'p', 'write').retryable).toBe(false);
  });

  it('passes a DlError through unchanged', () => {
    const original = new DlError('x', { code: 'DL_ERR_X', exitCode: ExitCode.OTHER });
    expect(fsError(original, 'p', 'write')).toBe(original);
  });

  it('maps a real missing input and keeps the cause', async () => {
    const err = await readFile('/nonexistent/dlkit-input').catch((e: unknown) => fsError(e, '/nonexistent/dlkit-input', 'read'));
    expect(err).toMatchObject({ code: 'DL_ERR_NO_INPUT', exitCode: ExitCode.NO_INPUT });
    expect((err as DlError).cause).toMatchObject({ code: 'ENOENT' });
  });
});
