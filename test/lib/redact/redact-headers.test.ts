import { describe, expect, it, test } from 'vitest';
import { isSecretHeader, redactHeaderLine, redactHeaders, redactHeaderValue } from '../../../src/lib/redact/redact-headers.js';

describe('redact headers', () => {
  test.each([
    ['Authorization', 'Bearer eyJhbGciOi.x.y', 'Bearer ***'],
    ['authorization', 'Basic dXNlcjpwYXNz', 'Basic ***'],
    ['Authorization', 'opaque-token-without-scheme', '***'],
    ['Proxy-Authorization', 'Basic abc=', 'Basic ***'],
    ['Cookie', 'sid=abc; theme=dark', '***'],
    ['Set-Cookie', 'sid=abc; HttpOnly', '***'],
    ['X-Api-Key', 'k', '***'],
    ['X-Auth-Token', 't', '***'],
    ['Private-Token', 't', '***'],
    ['X-Amz-Security-Token', 't', '***'],
    ['X-Client-Secret', 's', '***'],
    ['Content-Type', 'application/json', 'application/json'],
    ['WWW-Authenticate', 'Bearer realm="r"', 'Bearer realm="r"'],
    ['ETag', '"abc"', '"abc"'],
    ['X-Amz-Date', '20240101T000000Z', '20240101T000000Z'],
  ])('%s: %s → %s', (name, value, expected) => {
    expect(redactHeaderValue(name, value)).toBe(expected);
  });

  it('redacts a header record, arrays included, keeping names and other values', () => {
    const headers = { authorization: 'Bearer t', 'set-cookie': ['a=1', 'b=2'], 'content-length': 12, accept: '*/*', missing: undefined };
    expect(redactHeaders(headers)).toEqual({ authorization: 'Bearer ***', 'set-cookie': ['***', '***'], 'content-length': 12, accept: '*/*', missing: undefined });
    expect(headers.authorization).toBe('Bearer t');
  });

  test.each([
    ['Authorization: Bearer abc', 'Authorization: Bearer ***'],
    ['Cookie:a=1', 'Cookie:***'],
    ['X-Trace: 1', 'X-Trace: 1'],
    ['no colon here', 'no colon here'],
  ])('line %s', (line, expected) => {
    expect(redactHeaderLine(line)).toBe(expected);
  });

  it('matches names case-insensitively', () => {
    expect(isSecretHeader('COOKIE')).toBe(true);
    expect(isSecretHeader(' x-api-key ')).toBe(true);
    expect(isSecretHeader('accept')).toBe(false);
  });
});
