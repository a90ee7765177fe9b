import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../../../src/lib/errors/dl-error.js';
import { digestFor, findExpectedDigest, sidecarCandidates } from '../../../src/lib/hash/sidecar.js';

const SHA = '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae'; // "foo"
const MD5 = 'acbd18db4cc2f85cedef654fccc4a4d8';

let root: string;
let n = 0;
/** A fresh directory holding image.iso and the given sidecar files. */
function fixture(files: Record<string, string>): string {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'image.iso'), 'foo');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, 'image.iso');
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sidecar-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findExpectedDigest', () => {
  it.each([
    ['FILE.sha256 with a SUMS line', { 'image.iso.sha256': `${SHA}  image.iso\n` }, 'sha256', SHA, 'image.iso.sha256'],
    ['FILE.sha256 with bare hex', { 'image.iso.sha256': `${SHA.toUpperCase()}\n` }, 'sha256', SHA, 'image.iso.sha256'],
    ['FILE.sha256sum naming another file', { 'image.iso.sha256sum': `${SHA} *renamed.iso\n` }, 'sha256', SHA, 'image.iso.sha256sum'],
    ['FILE.md5 tagged', { 'image.iso.md5': `MD5 (image.iso) = ${MD5}\n` }, 'md5', MD5, 'image.iso.md5'],
    ['SHA256SUMS listing it among others', { SHA256SUMS: `${'0'.repeat(64)}  other\n${SHA}  ./image.iso\n` }, 'sha256', SHA, 'SHA256SUMS'],
    ['per-file sidecar before the list', { SHA256SUMS: `${'0'.repeat(64)}  image.iso\n`, 'image.iso.md5': `${MD5}\n` }, 'md5', MD5, 'image.iso.md5'],
    ['MD5SUMS when SHA256SUMS lacks it', { SHA256SUMS: `${'0'.repeat(64)}  other\n`, MD5SUMS: `${MD5}  image.iso\n` }, 'md5', MD5, 'MD5SUMS'],
  ] as const)('%s', async (_, files, algorithm, digest, source) => {
    const file = fixture(files);
    expect(await findExpectedDigest(file)).toEqual({ algorithm, digest, source: join(file, '..', source) });
  });

  it('reads what sha256sum wrote beside the file', async () => {
    const file = fixture({});
    writeFileSync(`${file}.sha256`, execFileSync('sha256sum', ['image.iso'], { cwd: join(file, '..') }));
    expect((await findExpectedDigest(file)).digest).toBe(SHA);
  });

  it('fails with exit 66 naming every place it looked', async () => {
    const file = fixture({ SHA256SUMS: `${SHA}  something-else\n` });
    const err = await findExpectedDigest(file).catch((e: unknown) => e);
    expect(isDlError(err) && err.exitCode).toBe(66);
    expect(isDlError(err) && err.code).toBe('DL_ERR_NO_SIDECAR');
    for (const c of sidecarCandidates(file)) expect((err as Error).message).toContain(c.path);
  });
});

describe('digestFor', () => {
  it('will not take a list entry for another name', () => {
    expect(digestFor(`${SHA}  other.iso\n`, { path: 'SHA256SUMS', algorithm: 'sha256', kind: 'list' }, 'image.iso')).toBeUndefined();
  });
  it('will not guess among several entries of a per-file sidecar', () => {
    const text = `${SHA}  a\n${SHA}  b\n`;
    expect(digestFor(text, { path: 'x.sha256', algorithm: 'sha256', kind: 'file' }, 'image.iso')).toBeUndefined();
  });
  it('ignores digests of the wrong length', () => {
    expect(digestFor(`${MD5}\n`, { path: 'x.sha256', algorithm: 'sha256', kind: 'file' }, 'x')).toBeUndefined();
  });
});
