import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, test } from 'vitest';
import {
  identityOfFile,
  parseSourceIdentity,
  redactIdentity,
  sameIdentity,
  type SourceIdentity,
} from '../../../src/lib/checkpoint/source-identity.js';
import { ExitCode } from '../../../src/lib/errors/dl-error.js';

const http = (over: Partial<Extract<SourceIdentity, { type: 'http' }>> = {}): SourceIdentity => ({
  type: 'http',
  url: 'https://h/x.iso',
  etag: '"abc"',
  size: 100,
  ...over,
});
const lm = 'Tue, 01 Oct 2024 10:00:00 GMT';
const file: SourceIdentity = { type: 'file', path: '/a/x.img', size: 10, mtimeMs: 1000.5 };
const dev: SourceIdentity = { type: 'device', path: '/dev/sdb', serial: 'S1', busPath: 'pci-0000:00:14.0-usb-0:1:1.0', size: 64 };

describe('sameIdentity', () => {
  test.each<[string, SourceIdentity, SourceIdentity, boolean]>([
    ['same strong ETag', http(), http(), true],
    ['different ETag', http(), http({ etag: '"abd"' }), false],
    ['different size', http(), http({ size: 101 }), false],
    ['different URL', http(), http({ url: 'https://h/y.iso' }), false],
    ['weak ETags equal, no Last-Modified', http({ etag: 'W/"abc"' }), http({ etag: 'W/"abc"' }), false],
    ['weak ETags equal, same Last-Modified', http({ etag: 'W/"a"', lastModified: lm }), http({ etag: 'W/"a"', lastModified: lm }), true],
    ['weak ETags differ, same Last-Modified', http({ etag: 'W/"a"', lastModified: lm }), http({ etag: 'W/"b"', lastModified: lm }), false],
    ['strong ETags differ, same Last-Modified', http({ etag: '"a"', lastModified: lm }), http({ etag: '"b"', lastModified: lm }), false],
    ['only Last-Modified, equal', http({ etag: undefined, lastModified: lm }), http({ etag: undefined, lastModified: lm }), true],
    ['only one side has an ETag, same Last-Modified', http({ lastModified: lm }), http({ etag: undefined, lastModified: lm }), true],
    ['no validator at all', http({ etag: undefined }), http({ etag: undefined }), false],
    ['re-signed presigned URL', http({ url: 'https://b/x?X-Amz-Signature=1' }), http({ url: 'https://b/x?X-Amz-Signature=2' }), true],
    ['stored redacted vs live', redactIdentity(http({ url: 'https://u:p@h/x' })), http({ url: 'https://u:p@h/x' }), true],
    ['same file', file, { ...file }, true],
    ['file touched', file, { ...file, mtimeMs: 1001 }, false],
    ['file grew', file, { ...file, size: 11 }, false],
    ['file vs http', file, http(), false],
    ['same drive, renamed /dev node', dev, { ...dev, path: '/dev/sdc' }, true],
    ['other serial', dev, { ...dev, serial: 'S2' }, false],
    ['other port', dev, { ...dev, busPath: 'pci-other' }, false],
    ['other size', dev, { ...dev, size: 65 }, false],
    ['loop devices: no serial, by path', { type: 'device', path: '/dev/loop0', size: 8 }, { type: 'device', path: '/dev/loop0', size: 8 }, true],
    ['loop devices: other path', { type: 'device', path: '/dev/loop0', size: 8 }, { type: 'device', path: '/dev/loop1', size: 8 }, false],
  ])('%s → %s', (_name, a, b, same) => {
    expect(sameIdentity(a, b)).toBe(same);
    expect(sameIdentity(b, a)).toBe(same);
  });
});

describe('redactIdentity', () => {
  it('hides credentials in an http URL and leaves other identities alone', () => {
    expect(redactIdentity(http({ url: 'https://me:pw@h/x?token=t&a=1' }))).toMatchObject({ url: 'https://***:***@h/x?token=***&a=1' });
    expect(redactIdentity(file)).toBe(file);
  });
});

describe('parseSourceIdentity', () => {
  test.each([http(), http({ etag: undefined, lastModified: lm }), file, dev])('accepts %j', (id) => {
    expect(parseSourceIdentity(JSON.parse(JSON.stringify(id)))).toEqual(id);
  });
  test.each([null, 'x', {}, { type: 'http', url: 'u' }, { type: 'file', path: '/p', size: -1, mtimeMs: 0 }, { type: 'device', path: '/d', size: 1, serial: 5 }, { type: 'ftp', url: 'u', size: 1 }])(
    'rejects %j',
    (x) => {
      expect(() => parseSourceIdentity(x)).toThrow(TypeError);
    },
  );
});

describe('identityOfFile', () => {
  it('reads path, size and mtime; a touched file no longer matches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlkit-ident-'));
    try {
      const p = join(dir, 'src.img');
      await writeFile(p, 'abcd');
      const before = await identityOfFile(p);
      expect(before).toMatchObject({ type: 'file', path: p, size: 4 });
      expect(sameIdentity(before, await identityOfFile(p))).toBe(true);
      await utimes(p, new Date(), new Date(Date.now() + 5000));
      expect(sameIdentity(before, await identityOfFile(p))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing source as no input (66)', async () => {
    await expect(identityOfFile('/nonexistent/dlkit-src')).rejects.toMatchObject({ code: 'DL_ERR_NO_INPUT', exitCode: ExitCode.NO_INPUT });
  });
});
