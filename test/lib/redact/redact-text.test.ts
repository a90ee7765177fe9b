import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { redactText } from '../../../src/lib/redact/redact-text.js';

describe('redactText', () => {
  test.each<[string, string, string[]]>([
    ['GET https://u:pw@h/x?sig=s failed: 403', 'GET https://***:***@h/x?sig=*** failed: 403', []],
    ['request to "https://h/x?token=abc" failed', 'request to "https://h/x?token=***" failed', []],
    ['sent Authorization: Bearer abc.def-ghi', 'sent Authorization: Bearer ***', []],
    ['header authorization: Basic dXNlcjpwYXNz\nnext line', 'header authorization: Basic ***\nnext line', []],
    ['failed: Cookie: sid=1; x=2\nmore', 'failed: Cookie: ***\nmore', []],
    ['{"authorization":"Bearer xyz123"}', '{"authorization":"Bearer ***"}', []],
    ['token dXNlcjpwYXNz via Basic dXNlcjpwYXNz', 'token dXNlcjpwYXNz via Basic ***', []],
    ['server requires Basic authentication', 'server requires Basic authentication', []],
    ['dsn postgres password=hunter2 host=db', 'dsn postgres password=*** host=db', []],
    ['the key hunter2 leaked', 'the key *** leaked', ['hunter2']],
    ['encoded p%40ss%2Fw in a URL', 'encoded *** in a URL', ['p@ss/w']],
    ['overlapping abcdef and abc', 'overlapping *** and ***', ['abc', 'abcdef']],
    ['empty secret ignored', 'empty secret ignored', ['']],
    ['https://token:x-oauth-basic@github.com/o/r cloned', 'https://***:***@github.com/o/r cloned', []],
    ['plain message: 404 Not Found', 'plain message: 404 Not Found', []],
    ['invalid token: expected a digest', 'invalid token: expected a digest', []],
    ['prompted password: hunter2', 'prompted password: ***', []],
    ['X-Auth-Token: abc', 'X-Auth-Token: ***', []],
  ])('%s', (input, expected, known) => {
    expect(redactText(input, known)).toBe(expected);
  });

  it('property: a known secret never survives, wherever it sits', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.stringMatching(/^[ -~]{4,24}$/), (before, after, secret) => {
        expect(redactText(before + secret + after, [secret])).not.toContain(secret);
      }),
    );
  });

  it('property: is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const once = redactText(s);
        expect(redactText(once)).toBe(once);
      }),
    );
  });
});
