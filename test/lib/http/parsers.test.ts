import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { dispositionFileName } from '../../../src/lib/http/content-disposition.js';
import { checkContentRange, parseContentRange } from '../../../src/lib/http/content-range.js';
import { cookieHeaderFor, parseCookieFile } from '../../../src/lib/http/cookie-file.js';
import { proxySettings } from '../../../src/lib/http/dispatcher.js';
import { netrcLookup } from '../../../src/lib/http/netrc.js';
import { pathInside, safeFileName } from '../../../src/lib/http/safe-name.js';

describe('Content-Range', () => {
  it('round-trips any valid range', () => {
    fc.assert(
      fc.property(fc.nat(1e12), fc.nat(1e9), fc.nat(1e9), (start, len, extra) => {
        const end = start + len + 1;
        expect(parseContentRange(`bytes ${start}-${end - 1}/${end + extra}`)).toEqual({ start, end, total: end + extra });
      }),
    );
  });
  test.each(['bytes 5-3/10', 'bytes 0-10/10', 'items 0-1/2', 'bytes 0-1', ''])('rejects %j', (v) => {
    expect(parseContentRange(v)).toBeUndefined();
  });
  it('refuses an answer that starts elsewhere, and a changed size', () => {
    expect(() => checkContentRange('bytes 10-19/100', 0, 100, 'u')).toThrow(/bad Content-Range/);
    expect(() => checkContentRange('bytes 0-19/101', 0, 100, 'u')).toThrow(expect.objectContaining({ code: 'DL_ERR_SOURCE_CHANGED' }));
  });
});

describe('safe names from hostile servers', () => {
  test.each([
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename="..\\\\..\\\\boot.ini"', 'boot.ini'],
    ['attachment; filename=".bashrc"', 'bashrc'],
    ['attachment; filename=".."', 'download'],
    ['attachment; filename="a\u0000b\u001b[31mc.txt"', 'ab[31mc.txt'],
    ["attachment; filename*=UTF-8''%2Fetc%2Fshadow", 'shadow'],
    ["attachment; filename=\"plain.txt\"; filename*=UTF-8''na%C3%AFve.txt", 'naïve.txt'],
    ['attachment; filename=/abs/path.iso', 'path.iso'],
    ['inline', 'download'],
  ])('%j → %j', (header, name) => {
    expect(safeFileName(dispositionFileName(header))).toBe(name);
  });
  it('never yields a name with a separator, NUL or a leading dot, and stays inside the directory', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const n = safeFileName(s);
        expect(n).not.toMatch(/[/\\\u0000-\u001f]|^\./);
        expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
        expect(pathInside('/tmp/dir', n).startsWith('/tmp/dir/')).toBe(true);
      }),
    );
  });
});

describe('netrc, cookies and proxies', () => {
  it('matches netrc machines by host, with default as fallback and macdef skipped', () => {
    const text = 'macdef init\ncd /\n\nmachine a.example login alice password "p w"\ndefault login anon password x';
    expect(netrcLookup(text, 'A.example')).toEqual({ login: 'alice', password: 'p w' });
    expect(netrcLookup(text, 'b.example')).toEqual({ login: 'anon', password: 'x' });
  });
  it('matches Netscape cookies by domain, path, secure flag and expiry', () => {
    const jar = parseCookieFile(
      ['# Netscape HTTP Cookie File', '.example.com\tTRUE\t/\tFALSE\t0\ta\t1', '#HttpOnly_example.com\tFALSE\t/dl\tTRUE\t0\tb\t2', 'example.com\tFALSE\t/\tFALSE\t1\told\t3'].join('\n'),
    );
    expect(cookieHeaderFor(jar, new URL('https://cdn.example.com/dl/x'), Date.now())).toBe('a=1');
    expect(cookieHeaderFor(jar, new URL('https://example.com/dl/x'), Date.now())).toBe('a=1; b=2');
    expect(cookieHeaderFor(jar, new URL('http://example.com/dl/x'), Date.now())).toBe('a=1');
    expect(cookieHeaderFor(jar, new URL('http://other.org/'), Date.now())).toBeUndefined();
  });
  it('reads proxies from the env passed in, --proxy first', () => {
    expect(proxySettings({ env: {} })).toBeUndefined();
    expect(proxySettings({ env: { https_proxy: 'http://p:3128', no_proxy: 'localhost' } })).toEqual({ httpProxy: '', httpsProxy: 'http://p:3128', noProxy: 'localhost' });
    expect(proxySettings({ env: { ALL_PROXY: 'http://all:1' } })).toMatchObject({ httpProxy: 'http://all:1', httpsProxy: 'http://all:1' });
    expect(proxySettings({ proxy: 'http://cli:2', env: { http_proxy: 'http://env:1' } })).toMatchObject({ httpProxy: 'http://cli:2' });
  });
});
