import { relative } from 'node:path';
import type { BatchSummary, JobResult } from './job-result.js';

/** A result as a text line for a person or awk: status, bytes, output, error. */
export function resultLine(r: JobResult, cwd: string): string {
  const error = r.error ? `  ${r.error.code}: ${r.error.message}` : '';
  return `${r.status.padEnd(9)} ${String(r.bytes).padStart(12)}  ${relative(cwd, r.output) || r.output}${error}\n`;
}

export function summaryLine(s: BatchSummary): string {
  const counts = (['ok', 'cached', 'skipped', 'failed', 'cancelled'] as const).map((k) => `${s[k]} ${k}`).join(', ');
  return `# ${s.jobs} jobs: ${counts}; ${s.bytes} bytes (${s.fetched} fetched) in ${(s.durationMs / 1000).toFixed(1)} s; exit ${s.exitCode}\n`;
}

/** `--json`: one object per job; the summary is the last line, under its own key. */
export const resultJson = (r: JobResult): string => `${JSON.stringify(r)}\n`;
export const summaryJson = (s: BatchSummary): string => `${JSON.stringify({ summary: s })}\n`;
