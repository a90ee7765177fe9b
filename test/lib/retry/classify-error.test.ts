import { describe, expect, it } from 'vitest';
import { abortedError, DlError, ExitCode, usageError } from '../../../src/lib/errors/dl-error.js';
import { errorReason, isTransient } from '../../../src/lib/retry/classify-error.js';
import { httpStatusError, retryAfterMsOf } from '../../../src/lib/retry/http-status-error.js';

const sysError = (code: string, message = `read ${code}`): Error => Object.assign(new Error(message), { code });

describe('isTransient', () => {
  it.each<[string, unknown, boolean]>([
    ['ECONNRESET', sysError('ECONNRESET'), true],
    ['ETIMEDOUT', sysError('ETIMEDOUT'), true],
    ['ECONNREFUSED', sysError('ECONNREFUSED'), true],
    ['EPIPE', sysError('EPIPE'), true],
    ['UND_ERR_SOCKET', sysError('UND_ERR_SOCKET', 'other side closed'), true],
    ['UND_ERR_HEADERS_TIMEOUT', sysError('UND_ERR_HEADERS_TIMEOUT'), true],
    ['UND_ERR_BODY_TIMEOUT', sysError('UND_ERR_BODY_TIMEOUT'), true],
    ['fetch failed wrapping ECONNRESET', new TypeError('fetch failed', { cause: sysError('ECONNRESET') }), true],
    ['AggregateError of refused addresses', new AggregateError([sysError('ECONNREFUSED')], 'connect failed'), true],
    ['undici ResponseError 503', Object.assign(new Error('Response Error'), { statusCode: 503 }), true],
    ['HTTP 408', httpStatusError(408, 'http://x/'), true],
    ['HTTP 429', httpStatusError(429, 'http://x/'), true],
    ['HTTP 500', httpStatusError(500, 'http://x/'), true],
    ['HTTP 503', httpStatusError(503, 'http://x/'), true],
    ['retryable DlError', new DlError('x', { code: 'DL_ERR_X', exitCode: ExitCode.TEMP_FAIL, retryable: true }), true],
    ['HTTP 404', httpStatusError(404, 'http://x/'), false],
    ['HTTP 403', httpStatusError(403, 'http://x/'), false],
    ['HTTP 400', httpStatusError(400, 'http://x/'), false],
    ['HTTP 501', httpStatusError(501, 'http://x/'), false],
    ['non-retryable DlError wrapping ECONNRESET', new DlError('x', { code: 'DL_ERR_X', exitCode: ExitCode.IO, cause: sysError('ECONNRESET') }), false],
    ['usage error', usageError('bad'), false],
    ['interrupted', abortedError(), false],
    ['AbortError', new DOMException('aborted', 'AbortError'), false],
    ['ENOENT', sysError('ENOENT'), false],
    ['ENOTFOUND', sysError('ENOTFOUND'), false],
    ['plain Error', new Error('boom'), false],
    ['a string', 'ECONNRESET', false],
    ['null', null, false],
  ])('%s → %s', (_name, err, expected) => {
    expect(isTransient(err)).toBe(expected);
  });

  it('follows a cyclic cause chain without hanging', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(isTransient(a)).toBe(false);
  });
});

describe('httpStatusError', () => {
  it.each<[number, number, boolean, RegExp]>([
    [404, 69, false, /check the URL/],
    [410, 69, false, /check the URL/],
    [401, 69, false, /credentials/],
    [403, 69, false, /credentials/],
    [400, 69, false, /refused/],
    [429, 75, true, /try again later/],
    [503, 75, true, /try again later/],
  ])('%i → exit %i, retryable %s', (status, exitCode, retryable, hint) => {
    const err = httpStatusError(status, 'https://example.test/a.iso');
    expect(err).toMatchObject({ code: `DL_ERR_HTTP_${status}`, exitCode, retryable });
    expect(err.hint).toMatch(hint);
    expect(err.message).toMatch(new RegExp(`^HTTP ${status} .+ from https://example.test/a.iso$`));
    expect(err.details).toEqual({ status, url: 'https://example.test/a.iso' });
  });

  it('carries Retry-After for retryWithPolicy', () => {
    const err = httpStatusError(429, 'http://x/', 7000);
    expect(err.details).toEqual({ status: 429, url: 'http://x/', retryAfterMs: 7000 });
    expect(retryAfterMsOf(err)).toBe(7000);
    expect(retryAfterMsOf(httpStatusError(429, 'http://x/'))).toBeUndefined();
    expect(retryAfterMsOf(new Error('x'))).toBeUndefined();
  });
});

describe('errorReason', () => {
  it('names codes and causes', () => {
    expect(errorReason(new TypeError('fetch failed', { cause: sysError('ECONNRESET', 'socket hang up') }))).toBe(
      'fetch failed (ECONNRESET: socket hang up)',
    );
    expect(errorReason(sysError('EPIPE', 'write EPIPE'))).toBe('write EPIPE');
    expect(errorReason(httpStatusError(503, 'http://x/'))).toBe('HTTP 503 Service Unavailable from http://x/');
    expect(errorReason('boom')).toBe('boom');
  });
});
