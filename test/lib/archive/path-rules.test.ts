import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasDotDot } from '../../../src/lib/archive/has-dot-dot.js';
import { isAbsoluteEntry } from '../../../src/lib/archive/is-absolute-entry.js';
import { normalizeEntryName } from '../../../src/lib/archive/normalize-entry-name.js';
import { resolveInside } from '../../../src/lib/archive/resolve-inside.js';
import { stripComponents } from '../../../src/lib/archive/strip-components.js';
import { throughSymlink } from '../../../src/lib/archive/through-symlink.js';
import { tempDir } from '../unpack/tools.js';

describe('isAbsoluteEntry', () => {
  it.each([
    ['/etc/passwd', true],
    ['\\\\server\\share\\x', true],
    ['C:\\Windows\\x', true],
    ['c:x', true],
    ['etc/passwd', false],
    ['./a', false],
  ])('%s → %s', (name, want) => expect(isAbsoluteEntry(name)).toBe(want));
});

describe('hasDotDot', () => {
  it.each([
    ['../x', true],
    ['a/../../x', true],
    ['a\\..\\x', true],
    ['..', true],
    ['a/..b/c', false],
    ['...', false],
  ])('%s → %s', (name, want) => expect(hasDotDot(name)).toBe(want));
});

describe('normalizeEntryName', () => {
  it.each([
    ['./a//b/', 'a/b'],
    ['a\\b\\c', 'a/b/c'],
    ['//etc/./passwd', '/etc/passwd'],
    ['\\evil', '/evil'],
  ])('%s → %s', (name, want) => expect(normalizeEntryName(name)).toBe(want));
});

describe('stripComponents', () => {
  it.each([
    ['a/b/c', 1, 'b/c'],
    ['a/b/c', 2, 'c'],
    ['a/b', 2, null],
    ['./a/b', 1, 'b'],
    ['a', 0, 'a'],
  ] as const)('%s minus %d → %s', (name, n, want) => expect(stripComponents(name, n)).toBe(want));
});

describe('resolveInside', () => {
  it.each([
    ['a/b', '/d/a/b'],
    ['a/../b', '/d/b'],
    ['../x', null],
    ['a/../../x', null],
    ['/etc/passwd', null],
    ['.', null],
  ])('%s in /d → %s', (name, want) => expect(resolveInside('/d', name)).toBe(want));
});

describe('throughSymlink', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  mkdirSync(join(tmp.dir, 'real'));
  symlinkSync('/etc', join(tmp.dir, 'disk-link'));

  it('finds a link the archive made earlier, even before it is on disk', () => {
    expect(throughSymlink(tmp.dir, 'pending/passwd', new Set(['pending']))).toBe('pending');
  });
  it('finds a link already on disk', () => {
    expect(throughSymlink(tmp.dir, 'disk-link/passwd', new Set())).toBe('disk-link');
  });
  it('lets real directories and the link itself through', () => {
    expect(throughSymlink(tmp.dir, 'real/x', new Set())).toBeNull();
    expect(throughSymlink(tmp.dir, 'disk-link', new Set())).toBeNull();
  });
});
