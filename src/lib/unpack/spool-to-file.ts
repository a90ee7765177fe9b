import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * A zip is read from its end (the central directory), so a zip on stdin is first
 * written to a private temporary directory; `remove` deletes it.
 */
export async function spoolToFile(
  source: AsyncIterable<Buffer>,
  tmpDir: string,
  signal?: AbortSignal,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpDir, 'dl-unpack-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'input.zip');
  try {
    await pipeline(source, createWriteStream(path, { mode: 0o600 }), { signal });
  } catch (e) {
    await remove();
    throw e;
  }
  return { path, remove };
}
