import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanEntryName } from '../../../src/lib/stargz/entry-name.js';

/** What a name means, component by component: the model the fast path must agree with. */
function model(raw: string): string | undefined {
  const parts = raw.split('/');
  if (raw.includes('\0') || parts.includes('..')) return undefined;
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

describe('cleanEntryName', () => {
  it.each([
    ['etc/passwd', 'etc/passwd'],
    ['./etc/passwd', 'etc/passwd'],
    ['/etc//passwd/', 'etc/passwd'],
    ['a/./b/.', 'a/b'],
    ['./', ''],
    ['', ''],
    ['.bashrc', '.bashrc'],
    ['..foo/bar..', '..foo/bar..'],
    ['a/..', undefined],
    ['../x', undefined],
    ['a\0b', undefined],
  ])('%j → %j', (raw, want) => {
    expect(cleanEntryName(raw)).toBe(want);
  });

  it('agrees with the component model on names made of awkward pieces', () => {
    const piece = fc.constantFrom('a', 'b.c', '.', '..', '', '.x', '..y', 'z..', '\0');
    const name = fc.array(piece, { maxLength: 8 }).chain((parts) => fc.constantFrom(parts.join('/'), parts.join('')));
    fc.assert(fc.property(name, (raw) => cleanEntryName(raw) === model(raw)), { numRuns: 5000 });
  });
});
