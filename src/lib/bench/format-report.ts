import { formatSize } from '../device/drive.js';
import type { BenchResult, Settings, TargetInfo } from './bench-result.js';

const rate = (bps: number): string => `${formatSize(bps)}/s`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

/** Rows of cells as left-aligned columns, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** "USB 3.20 at 5000 Mb/s", with a warning when a USB 3 drive runs at USB 2 speed. */
export function usbLine(t: TargetInfo): string | undefined {
  if (t.usb === undefined) return undefined;
  const v = t.usb.version ? `USB ${t.usb.version}` : 'USB';
  return `${v} at ${t.usb.speedMbps} Mb/s${t.usb.degraded ? ' (a USB 3 drive on a USB 2 link: try another port or cable)' : ''}`;
}

/** `blocks`: what the mode line says of the block size (a sweep has many). */
function header(t: TargetInfo, s?: Settings, blocks = s && `${formatSize(s.blockSize)} blocks`): string {
  const rows = [['target', t.description]];
  const usb = usbLine(t);
  if (usb) rows.push(['link', usb]);
  if (s) rows.push(['mode', `${s.mode}, ${t.direct ? 'O_DIRECT' : 'buffered'}, ${blocks}, ${s.pattern}, iodepth ${s.iodepth}, ${formatSize(s.size)}`]);
  return table(rows);
}

/** The human report on stdout: the target, a table of measurements, and the verdict. */
export function formatReport(r: BenchResult): string {
  switch (r.kind) {
    case 'throughput': {
      const rows = [['pass', 'bytes', 'time', 'speed'], ...r.passes.map((p, i) => [String(i + 1), formatSize(p.bytes), seconds(p.durationMs), rate(p.bytesPerSecond)])];
      const { mean, min, max } = r.bytesPerSecond;
      return `${header(r.target, r.settings)}\n${table(rows)}\n${r.settings.mode} speed: ${rate(mean)} (min ${rate(min)}, max ${rate(max)})\n`;
    }
    case 'block-sizes': {
      const rows = [['block', 'bytes', 'time', 'speed', ''], ...r.rows.map((p) => [formatSize(p.blockSize), formatSize(p.bytes), seconds(p.durationMs), rate(p.bytesPerSecond), p.blockSize === r.best.blockSize ? '<- best' : ''])];
      const sizes = `${formatSize(r.rows[0]!.blockSize)} to ${formatSize(r.rows.at(-1)!.blockSize)} blocks`;
      return `${header(r.target, r.settings, sizes)}\n${table(rows)}\nbest block size: ${formatSize(r.best.blockSize)} (${rate(r.best.bytesPerSecond)}): dl-flash --block-size ${r.best.blockSizeArg}\n`;
    }
    case 'capacity': {
      const c = r.capacity;
      const verdict = c.ok
        ? `capacity ok: all ${c.samples} samples read back across ${formatSize(c.claimed)}`
        : `FAKE CAPACITY: claims ${formatSize(c.claimed)}, only ${formatSize(c.usable)} usable (first bad sample at ${c.firstBad?.offset}: ${badWhy(c.firstBad)})`;
      return `${header(r.target)}\n${verdict}\n`;
    }
    case 'url': {
      const rows = [['segments', 'bytes', 'time', 'speed', ''], ...r.rows.map((p) => [String(p.segments), formatSize(p.bytes), seconds(p.durationMs), rate(p.bytesPerSecond), p.segments === r.best.segments ? '<- best' : ''])];
      return `url  ${r.url}\n\n${table(rows)}\nbest: ${r.best.segments} segments (${rate(r.best.bytesPerSecond)}): dl-get ${r.best.segmentsArg}\n`;
    }
  }
}

type Bad = NonNullable<Extract<BenchResult, { kind: 'capacity' }>['capacity']['firstBad']>;

function badWhy(b: Bad | undefined): string {
  if (b === undefined) return '';
  if (b.kind === 'alias') return `it holds the sample written at ${b.writtenAt}: the drive wraps around`;
  if (b.kind === 'error') return `I/O error: ${b.message}`;
  return 'its data was lost';
}
