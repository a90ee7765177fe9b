import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { UsbLink } from './drive.js';
import { readAttr, readNumber, realSysPath } from './sysfs.js';

const USB2_MBPS = 480;

/**
 * The USB link of a block device: walk up its sysfs path to the first directory that is a
 * USB device (it has `speed` and `idVendor`). A device at ≤ 480 Mb/s is flagged degraded
 * when it says it is USB 3 (bcdUSB ≥ 3.0) or when its port has a SuperSpeed peer (a USB 3
 * drive on a USB 3 port that fell back to USB 2 reports bcdUSB 2.10).
 */
export function readUsbLink(blockName: string, sysRoot = '/sys'): UsbLink | undefined {
  let dir = realSysPath(join(sysRoot, 'block', blockName));
  const stop = join(sysRoot, 'devices');
  while (dir !== undefined && dir.startsWith(stop + '/')) {
    const speed = readNumber(dir, 'speed');
    if (speed !== undefined && readAttr(dir, 'idVendor') !== undefined) {
      const version = readAttr(dir, 'version');
      const degraded = speed <= USB2_MBPS && ((version !== undefined && Number(version) >= 3) || hasSuperSpeedPeer(dir));
      return { speedMbps: speed, ...(version ? { version } : {}), degraded };
    }
    dir = dirname(dir);
  }
  return undefined;
}

/** A device directory "…/usb1/1-2" hangs on port "…/usb1/1-0:1.0/usb1-port2" of its hub. */
function hasSuperSpeedPeer(deviceDir: string): boolean {
  const name = deviceDir.slice(deviceDir.lastIndexOf('/') + 1);
  const dash = name.lastIndexOf('-');
  const dot = name.lastIndexOf('.');
  if (dash < 0) return false;
  const hub = dirname(deviceDir);
  const hubName = hub.slice(hub.lastIndexOf('/') + 1);
  const port = name.slice(Math.max(dash, dot) + 1);
  // Root hub "usb1" has interface "1-0:1.0"; hub "1-2" has "1-2:1.0".
  const iface = hubName.startsWith('usb') ? `${hubName.slice(3)}-0:1.0` : `${hubName}:1.0`;
  // The link itself: its target lies in another part of the tree.
  return lstatSync(join(hub, iface, `${hubName}-port${port}`, 'peer'), { throwIfNoEntry: false }) !== undefined;
}
