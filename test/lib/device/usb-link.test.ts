import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readUsbLink } from '../../../src/lib/device/usb-link.js';

/** A sysfs tree laid out as the kernel does for a USB stick: /sys/block/sdX → …/usbN/N-P/…/block/sdX. */
function fakeSysfs(opts: { speed: string; version: string; ssPeer: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'dlk-sysfs-'));
  const usb = join(root, 'devices/pci0000:00/0000:00:14.0/usb1');
  const dev = join(usb, '1-2');
  const block = join(dev, '1-2:1.0/host0/target0:0:0/0:0:0:0/block/sdb');
  mkdirSync(block, { recursive: true });
  writeFileSync(join(dev, 'speed'), `${opts.speed}\n`);
  writeFileSync(join(dev, 'version'), ` ${opts.version}\n`);
  writeFileSync(join(dev, 'idVendor'), '0781\n');
  const port = join(usb, '1-0:1.0/usb1-port2');
  mkdirSync(port, { recursive: true });
  if (opts.ssPeer) symlinkSync('../../../usb2/2-0:1.0/usb2-port2', join(port, 'peer'));
  mkdirSync(join(root, 'block'));
  symlinkSync(block, join(root, 'block/sdb'));
  return root;
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('USB link speed from sysfs', () => {
  it.each([
    ['a USB 3 drive at 5 Gb/s is fine', { speed: '5000', version: '3.20', ssPeer: true }, { speedMbps: 5000, version: '3.20', degraded: false }],
    ['a USB 3 drive (bcdUSB 3.x) at 480 Mb/s is degraded', { speed: '480', version: '3.00', ssPeer: false }, { speedMbps: 480, degraded: true }],
    ['a drive at 480 Mb/s on a port with a SuperSpeed peer is degraded', { speed: '480', version: '2.10', ssPeer: true }, { speedMbps: 480, degraded: true }],
    ['a USB 2 drive on a USB 2 port is not', { speed: '480', version: '2.00', ssPeer: false }, { speedMbps: 480, degraded: false }],
  ])('%s', (_, tree, want) => {
    const root = fakeSysfs(tree);
    roots.push(root);
    expect(readUsbLink('sdb', root)).toMatchObject(want);
  });

  it('a drive with no USB device above it has no link', () => {
    expect(readUsbLink('loop0')).toBeUndefined();
  });
});
