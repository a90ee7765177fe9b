import { spawnSync } from 'node:child_process';

/** Undefined when strace can run here, else the reason to print with a skipped test. */
export const straceSkipReason = (): string | undefined =>
  spawnSync('strace', ['-V']).status === 0 ? undefined : 'strace is not installed (apt-get install strace)';
