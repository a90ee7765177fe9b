import { describe, expect, it } from 'vitest';
import type { Drive } from '../../../src/lib/device/drive.js';
import { assertSafeTarget, refusalsFor, type SafetyInput } from '../../../src/lib/device/safety-check.js';

const usbStick: Drive = {
  path: '/dev/sdb', name: 'sdb', majMin: '8:16', size: 32e9, model: 'Ultra', vendor: 'SanDisk', serial: '4C53', bus: 'usb',
  removable: true, readOnly: false, virtual: false, logicalSectorSize: 512, partitions: [], mountpoints: [],
};
const input = (over: Partial<SafetyInput> = {}, drive: Partial<Drive> = {}): SafetyInput => ({
  target: { ...usbStick, ...drive },
  systemDrives: new Map([['/dev/sda', 'it holds /']]),
  sourceDrives: new Set(['/dev/sdc']),
  imageSize: 4e9,
  force: false,
  unmount: false,
  ...over,
});
const codes = (x: SafetyInput): string[] => refusalsFor(x).map((r) => r.code);

describe('safety refusals', () => {
  it('a removable, unmounted, writable drive big enough passes', () => {
    expect(codes(input())).toEqual([]);
    expect(() => assertSafeTarget(input())).not.toThrow();
  });

  it.each([
    ['the system drive, whatever the flags', input({ force: true, unmount: true }, { path: '/dev/sda', removable: false }), 'DL_ERR_SYSTEM_DRIVE'],
    ['the drive holding the source, whatever the flags', input({ force: true, unmount: true }, { path: '/dev/sdc' }), 'DL_ERR_SOURCE_DRIVE'],
    ['a read-only drive', input({}, { readOnly: true }), 'DL_ERR_READ_ONLY'],
    ['a drive smaller than the image', input({ imageSize: 64e9 }), 'DL_ERR_TOO_SMALL'],
    ['a mounted drive', input({}, { mountpoints: ['/media/card'] }), 'DL_ERR_MOUNTED'],
    ['a fixed drive', input({}, { removable: false }), 'DL_ERR_NOT_REMOVABLE'],
  ])('refuses %s (77)', (_, x, code) => {
    expect(codes(x)[0]).toBe(code);
    expect(() => assertSafeTarget(x)).toThrow(expect.objectContaining({ code, exitCode: 77 }));
  });

  it('--unmount lifts the mounted refusal and --force the fixed-drive one, nothing else', () => {
    expect(codes(input({ unmount: true, force: true }, { mountpoints: ['/media/card'], removable: false }))).toEqual([]);
    expect(codes(input({ unmount: true, force: true }, { readOnly: true }))).toEqual(['DL_ERR_READ_ONLY']);
  });

  it('an unknown image size (a stream) is not refused as too big', () => {
    expect(codes(input({ imageSize: null }, { size: 1 }))).toEqual([]);
  });
});
