import type { UsbLink } from '../device/drive.js';
import type { CapacityResult } from './verify-capacity.js';
import type { BenchMode, Measurement } from './measure-throughput.js';
import type { Pattern } from './pattern-buffers.js';
import type { SweepRow } from './block-size-sweep.js';
import type { SegmentsRow } from './url-bench.js';

/** The target as the report names it. */
export interface TargetInfo {
  path: string;
  kind: 'file' | 'device';
  /** "/dev/sdb (SanDisk Ultra, 29.8 GiB, serial …)" for drives. */
  description: string;
  direct: boolean;
  usb?: UsbLink;
}

export interface Settings {
  mode: BenchMode;
  size: number;
  blockSize: number;
  pattern: Pattern;
  iodepth: number;
}

export interface Stats {
  mean: number;
  min: number;
  max: number;
}

/** What `dl-bench --json` prints, one object; `kind` says which fields follow. */
export type BenchResult =
  | { kind: 'throughput'; target: TargetInfo; settings: Settings; passes: Measurement[]; bytesPerSecond: Stats }
  | { kind: 'block-sizes'; target: TargetInfo; settings: Settings; rows: SweepRow[]; best: SweepRow & { blockSizeArg: string } }
  | { kind: 'capacity'; target: TargetInfo; capacity: CapacityResult }
  | { kind: 'url'; url: string; rows: SegmentsRow[]; best: SegmentsRow & { segmentsArg: string } };

export function statsOf(values: readonly number[]): Stats {
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

/** 4096 → "4K", 4194304 → "4M": a size dl-flash --block-size reads back exactly. */
export function sizeArg(bytes: number): string {
  for (const [unit, scale] of [['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]] as const) {
    if (bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return String(bytes);
}
