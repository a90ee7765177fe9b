import { existsSync, readFileSync } from 'node:fs';
import { findAddon } from '../../src/lib/native/find-addon.js';

const THP = '/sys/kernel/mm/transparent_hugepage/enabled';

/** Anonymous memory of this process on transparent huge pages, in KiB. */
export const hugeKiB = (): number => Number(/AnonHugePages:\s+(\d+)/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1] ?? 0);

/** The kernel's THP mode: always, madvise or never; undefined without THP. */
function thpMode(): string | undefined {
  if (!existsSync(THP)) return undefined;
  return /\[(\w+)\]/.exec(readFileSync(THP, 'utf8'))?.[1];
}

/**
 * Why a test of which pages the O_DIRECT buffers get cannot run here ('' when it can):
 * it needs THP in madvise mode (with "always" every large buffer is huge, asked or not)
 * and the direct_memory addon that asks for them.
 */
export function hugePagesSkipReason(): string {
  const mode = thpMode();
  if (mode === undefined) return 'no transparent huge pages on this kernel';
  if (mode !== 'madvise') return `transparent huge pages are "${mode}", not "madvise"`;
  if (findAddon('direct_memory') === undefined) return 'build/Release/direct_memory.node not built (npm install builds it)';
  return '';
}
