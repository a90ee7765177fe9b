import { describeDrive, formatSize, type Drive } from './drive.js';

/** A drive as --list --json prints it: every fact, plus whether it runs the system. */
export function driveRecord(d: Drive, system: ReadonlyMap<string, string>): Record<string, unknown> {
  return {
    path: d.path,
    size: d.size,
    model: d.model ?? null,
    vendor: d.vendor ?? null,
    serial: d.serial ?? null,
    bus: d.bus ?? null,
    busPath: d.busPath ?? null,
    removable: d.removable,
    readOnly: d.readOnly,
    virtual: d.virtual,
    system: system.has(d.path),
    systemReason: system.get(d.path) ?? null,
    mountpoints: d.mountpoints,
    partitionTable: d.partitionTable ?? null,
    partitions: d.partitions.map((p) => ({ path: p.path, size: p.size, type: p.type, fstype: p.fstype ?? null, label: p.label ?? null, mountpoints: p.mountpoints })),
    backingFile: d.backingFile ?? null,
    usbSpeedMbps: d.usb?.speedMbps ?? null,
    usbVersion: d.usb?.version ?? null,
    usbDegraded: d.usb?.degraded ?? false,
  };
}

const HEADER = ['DEVICE', 'SIZE', 'BUS', 'RM', 'RO', 'SYS', 'MODEL', 'SERIAL', 'MOUNTED'];

/** The --list table: one row per drive, columns padded. */
export function formatDriveTable(drives: readonly Drive[], system: ReadonlyMap<string, string>): string {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const rows = drives.map((d) => [
    d.path,
    formatSize(d.size),
    d.usb ? `usb@${d.usb.speedMbps}M` : (d.bus ?? '-'),
    yes(d.removable),
    yes(d.readOnly),
    yes(system.has(d.path)),
    [d.vendor, d.model].filter(Boolean).join(' ') || (d.backingFile ?? '-'),
    d.serial ?? '-',
    d.mountpoints.join(',') || '-',
  ]);
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** The USB-2-speed warning for a USB 3 drive, or undefined. */
export function usbWarning(d: Drive): string | undefined {
  if (!d.usb?.degraded) return undefined;
  return `${d.path} is a USB 3 drive running at USB 2 speed (${d.usb.speedMbps} Mb/s): use a USB 3 port or cable`;
}

/** What the confirmation shows about a drive: identity, then what is on it now. */
export function describeForConfirmation(d: Drive): string {
  const lines = [`  ${describeDrive(d)}${d.bus ? `, ${d.bus}` : ''}`];
  if (d.partitions.length === 0) lines.push('    no partitions');
  for (const p of d.partitions) {
    const what = [p.fstype, p.label ? `"${p.label}"` : undefined, formatSize(p.size), p.mountpoints.length > 0 ? `mounted at ${p.mountpoints.join(', ')}` : undefined];
    lines.push(`    ${p.path}: ${what.filter(Boolean).join(' ')}`);
  }
  return lines.join('\n');
}
