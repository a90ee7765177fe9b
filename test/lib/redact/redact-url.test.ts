import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { isSecretParam, redactUrl } from '../../../src/lib/redact/redact-url.js';

describe('redactUrl', () => {
  test.each([
    ['https://example.com/x.iso', 'https://example.com/x.iso'],
    ['https://user:pa55@example.com/x', 'https://***:***@example.com/x'],
    ['https://ghp_TOKEN@github.com/o/r.git', 'https://***@github.com/o/r.git'],
    ['https://u:p@ss@host/x', 'https://***:***@host/x'],
    ['//u:p@host/x', '//***:***@host/x'],
    ['user:pass@host/path', '***:***@host/path'],
    ['https://host/p?a=1&b=2#frag', 'https://host/p?a=1&b=2#frag'],
    [
      'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2024&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok&X-Amz-Signature=abc123',
      'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=***&X-Amz-Signature=***',
    ],
    ['https://s.googleapis.com/b/o?X-Goog-Algorithm=GOOG4&X-Goog-Credential=c&X-Goog-Signature=s', 'https://s.googleapis.com/b/o?X-Goog-Algorithm=GOOG4&X-Goog-Credential=***&X-Goog-Signature=***'],
    ['https://a.blob.core.windows.net/c/b?sv=2022&se=2030&sp=r&sig=AbC%3D', 'https://a.blob.core.windows.net/c/b?sv=2022&se=2030&sp=r&sig=***'],
    ['https://d.cloudfront.net/x?Expires=1&Signature=s&Key-Pair-Id=K', 'https://d.cloudfront.net/x?Expires=1&Signature=***&Key-Pair-Id=K'],
    ['https://h/x?TOKEN=a&Access_Token=b&api_key=c&apikey=d&key=e&password=f&client_secret=g', 'https://h/x?TOKEN=***&Access_Token=***&api_key=***&apikey=***&key=***&password=***&client_secret=***'],
    ['https://h/x?monkey=1&keyboard=2&page=3', 'https://h/x?monkey=1&keyboard=2&page=3'],
    ['https://h/x?access%5Ftoken=a', 'https://h/x?access%5Ftoken=***'],
    ['https://h/cb#access_token=t&state=s', 'https://h/cb#access_token=***&state=s'],
    ['https://h/x?flag&token=', 'https://h/x?flag&token=***'],
    ['not a url at all', 'not a url at all'],
    ['', ''],
    ['https://h/x?%E0%A4%A=1&sig=2', 'https://h/x?%E0%A4%A=1&sig=***'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  test.each(['X-Amz-Signature', 'x-amz-credential', 'X-Amz-Security-Token', 'Signature', 'sig', 'token', 'access_token', 'refresh-token', 'api_key', 'apikey', 'key', 'password', 'X-Goog-Signature', 'AWSAccessKeyId'])(
    '%s is a secret parameter',
    (name) => expect(isSecretParam(name)).toBe(true),
  );

  test.each(['a', 'page', 'X-Amz-Date', 'X-Amz-Expires', 'monkey', 'Key-Pair-Id', 'response-content-type'])('%s is not', (name) =>
    expect(isSecretParam(name)).toBe(false),
  );

  it('property: never throws, is idempotent, and never shows a password', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/);
    fc.assert(
      fc.property(fc.string(), secret, (junk, pw) => {
        expect(redactUrl(redactUrl(junk))).toBe(redactUrl(junk));
        const url = `https://user:${pw}@host/p?token=${pw}&x=1#sig=${pw}`;
        expect(redactUrl(url)).not.toContain(pw);
      }),
    );
  });
});
