import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real launcher (needs `npm run build`); DL_GET_BIN points at another build. */
export const DL_GET_BIN = process.env.DL_GET_BIN ?? fileURLToPath(new URL('../../bin/dl-get.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/commands/dl-get.cjs', import.meta.url));

export const binSkipReason = (): string | undefined =>
  process.env.DL_GET_BIN !== undefined || existsSync(DIST) ? undefined : 'dist/commands/dl-get.cjs is not built (npm run build)';
