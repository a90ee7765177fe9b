import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { majMinOf } from '../../../src/lib/device/dev-number.js';
import { parseMountInfo, parseSwaps } from '../../../src/lib/device/mount-table.js';

describe('mount tables', () => {
  it('parses mountinfo lines, optional fields and escaped paths included', () => {
    const text = [
      '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
      '36 35 8:17 /mnt1 /media/my\\040card rw,noatime master:1 shared:7 - vfat /dev/sdb1 rw',
      'garbage',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual([
      { majMin: '254:0', mountPoint: '/', fstype: 'ext4', source: '/dev/vda' },
      { majMin: '8:17', mountPoint: '/media/my card', fstype: 'vfat', source: '/dev/sdb1' },
    ]);
  });

  it('parses /proc/swaps', () => {
    const text = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/sda2 partition 999420 0 -2\n/swap\\040file file 1 0 -3\n';
    expect(parseSwaps(text)).toEqual(['/dev/sda2', '/swap file']);
  });

  it('decodes dev_t like the kernel (as lsblk prints MAJ:MIN)', () => {
    expect(majMinOf(0x0811)).toBe('8:17');
    expect(majMinOf((259 << 8) | 3)).toBe('259:3');
    // Minor above 255: high bits sit above the major in the 64-bit encoding.
    expect(majMinOf(((300 & 0xff) | ((300 & ~0xff) << 12)) + (7 << 8))).toBe('7:300');
    expect(majMinOf(statSync('/dev/null').rdev)).toBe('1:3');
  });
});
