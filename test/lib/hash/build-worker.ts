import { build } from 'tsup';

/**
 * Builds library entries with tsup the way tsup.config.ts does (ESM, code splitting), into
 * outDir, so tests run the real hash-worker.js and the real worker-path resolution.
 */
export async function buildWithTsup(outDir: string, entry: Record<string, string>): Promise<void> {
  await build({
    entry: { 'lib/hash/hash-worker': 'src/lib/hash/hash-worker.ts', ...entry },
    outDir,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    clean: true,
    silent: true,
    config: false,
  });
}
