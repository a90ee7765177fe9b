import { readFile } from 'node:fs/promises';
import { describe, expect, it, test } from 'vitest';
import { describeFailure } from '../../src/cli/describe-failure.js';
import { abortedError, DlError, ExitCode, integrityError, usageError } from '../../src/lib/errors/dl-error.js';

const sysError = (code: string, message: string, path?: string): Error =>
  Object.assign(new Error(`${code}: ${message}${path ? `, open '${path}'` : ''}`), { code, syscall: 'open', path });

const thrown = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

describe('describeFailure', () => {
  test.each([
    ['DlError', integrityError('sha256 mismatch for a.iso', undefined, 'download it again'), 65, 'DL_ERR_INTEGRITY', 'sha256 mismatch for a.iso', 'download it again'],
    ['usage DlError', usageError('two inputs', "try 'dl-x --help'"), 64, 'DL_ERR_USAGE', 'two inputs', "try 'dl-x --help'"],
    ['interrupted DlError', abortedError(), 130, 'DL_ERR_INTERRUPTED', 'interrupted', 'run the same command again to resume'],
    ['EACCES', sysError('EACCES', 'permission denied', '/dev/sdz'), 77, 'EACCES', '/dev/sdz: permission denied', 'check the permissions'],
    ['EPERM', sysError('EPERM', 'operation not permitted', '/x'), 77, 'EPERM', '/x: operation not permitted', 'check the permissions'],
    ['ENOSPC', sysError('ENOSPC', 'no space left on device'), 74, 'ENOSPC', 'no space left on device', 'free some space and run the command again'],
    ['EIO', sysError('EIO', 'i/o error', '/dev/sdz'), 74, 'EIO', '/dev/sdz: i/o error', 'check the device and the kernel log'],
    ['AbortError', new DOMException('This operation was aborted', 'AbortError'), 130, 'DL_ERR_INTERRUPTED', 'interrupted', 'run the same command again to resume'],
    ['other Error', new TypeError('x is not a function'), 1, 'DL_ERR_OTHER', 'x is not a function', undefined],
    ['other code', sysError('ECONNRESET', 'socket hang up'), 1, 'ECONNRESET', 'ECONNRESET: socket hang up', undefined],
    ['a string', 'weird', 1, 'DL_ERR_OTHER', 'weird', undefined],
  ])('%s → %d', (_name, err, exitCode, code, message, hint) => {
    expect(describeFailure(err)).toEqual({ exitCode, code, message, hint, silent: false });
  });

  it('maps a real ENOENT to 66 naming the path', async () => {
    const err = await thrown(readFile('/nonexistent/dlkit/x'));
    expect(describeFailure(err)).toMatchObject({ exitCode: 66, message: '/nonexistent/dlkit/x: no such file or directory', hint: 'check the path' });
  });

  it('maps a real EISDIR to 66', async () => {
    const err = await thrown(readFile('/'));
    expect(describeFailure(err)).toMatchObject({ exitCode: 66, code: 'EISDIR' });
  });

  it('ends quietly with 0 on EPIPE', () => {
    expect(describeFailure(sysError('EPIPE', 'broken pipe'))).toMatchObject({ exitCode: 0, silent: true });
  });

  it('keeps a DlError exit code that is not in the Node table', () => {
    const e = new DlError('registry said 404', { code: 'DL_ERR_NOT_FOUND', exitCode: ExitCode.UNAVAILABLE });
    expect(describeFailure(e)).toMatchObject({ exitCode: 69, code: 'DL_ERR_NOT_FOUND', hint: undefined });
  });
});
