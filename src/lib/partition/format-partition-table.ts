import type { PartitionTable } from './partition-table.js';

const human = (bytes: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[u]}`;
};

/** --inspect and the confirmation: one line for the table, one per partition. */
export function formatPartitionTable(t: PartitionTable | null): string {
  if (t === null) return 'no partition table\n';
  const head = `${t.label === 'dos' ? 'MBR (dos)' : 'GPT'} ${t.id}, ${t.sectorSize}-byte sectors\n`;
  const rows = [['#', 'START', 'SECTORS', 'SIZE', 'TYPE', 'BOOT', 'NAME']];
  for (const p of t.partitions) {
    rows.push([String(p.index), String(p.start), String(p.size), human(p.size * t.sectorSize), p.type, p.bootable ? '*' : '', p.name ?? '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return head + rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}
