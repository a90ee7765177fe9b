import { formatSize } from '../device/drive.js';
import type { PartitionTable } from './partition-table.js';

/** --inspect and the confirmation: one line for the table, one per partition. */
export function formatPartitionTable(t: PartitionTable | null): string {
  if (t === null) return 'no partition table\n';
  const head = `${t.label === 'dos' ? 'MBR (dos)' : 'GPT'} ${t.id}, ${t.sectorSize}-byte sectors\n`;
  const rows = [['#', 'START', 'SECTORS', 'SIZE', 'TYPE', 'BOOT', 'NAME']];
  for (const p of t.partitions) {
    rows.push([String(p.index), String(p.start), String(p.size), formatSize(p.size * t.sectorSize), p.type, p.bootable ? '*' : '', p.name ?? '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return head + rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}
