import { describe, expect, it } from 'vitest';
import { longLine, modeText, mtimeText } from '../../../src/lib/stargz/format-entry.js';
import type { ImageEntry } from '../../../src/lib/stargz/merge-layers.js';

describe('ls -l fields', () => {
  it.each<[ImageEntry['type'], number, string]>([
    ['dir', 0o40755, 'drwxr-xr-x'],
    ['reg', 0o4755, '-rwsr-xr-x'],
    ['reg', 0o4644, '-rwSr--r--'],
    ['reg', 0o2644, '-rw-r-Sr--'],
    ['dir', 0o1777, 'drwxrwxrwt'],
    ['dir', 0o1770, 'drwxrwx--T'],
    ['symlink', 0o777, 'lrwxrwxrwx'],
    ['hardlink', 0o600, '-rw-------'],
    ['fifo', 0o644, 'prw-r--r--'],
  ])('%s %o → %s, the same when asked again', (type, mode, text) => {
    expect(modeText(type, mode)).toBe(text);
    expect(modeText(type, mode)).toBe(text);
  });

  it.each<[number | undefined, string]>([
    [undefined, '-               '],
    [0, '1970-01-01 00:00'],
    [1_700_000_000, '2023-11-14 22:13'],
    [-1, '1969-12-31 23:59'],
    [253_402_300_800, '10000-01-01 00:00'],
    [-62_135_596_800, '1-01-01 00:00'],
  ])('mtime %s → %j (UTC)', (mtime, text) => {
    expect(mtimeText(mtime)).toBe(text);
  });

  it('one line: mode, owner, size, mtime, layer, name -> target', () => {
    const e: ImageEntry = { path: 'bin/sh', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1_700_000_000, size: 0, linkName: 'busybox', chunks: [], layer: 1 };
    expect(longLine(e, 4)).toBe('lrwxrwxrwx 0/0          0 2023-11-14 22:13 L1 bin/sh -> busybox\n');
  });
});
