import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A worker script of the built package, dist/lib/AREA/NAME. With code splitting, the
 * module asking may be bundled into a chunk at dist/, into dist/commands/ or sit at
 * dist/lib/AREA/, so look beside it and under each ancestor's lib/AREA/ (three levels up
 * at most). Undefined under the TypeScript sources, where there is no .js worker.
 */
export function findWorker(area: string, name: string, from: string = import.meta.url): URL | undefined {
  const here = dirname(fileURLToPath(from));
  const candidates = [join(here, name)];
  for (let dir = here, up = 0; up < 3; dir = dirname(dir), up++) candidates.push(join(dir, 'lib', area, name));
  const found = candidates.find((c) => existsSync(c));
  return found === undefined ? undefined : pathToFileURL(found);
}
