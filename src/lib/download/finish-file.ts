import type { Algorithm, Digests } from '../hash/algorithms.js';
import { verifyDigests } from '../hash/verify-digests.js';
import type { PartFile } from '../fs/part-file.js';
import type { EventInput } from '../events/types.js';
import { dlGetCheckpoints } from './file-checkpoint.js';

/**
 * Checks the digests asked for, emitting one `verify` event each, then renames the part
 * into place (after an fsync of its data unless `fsync` is false). On a mismatch nothing appears under the target name: the part is deleted,
 * or kept (without its checkpoint, so a rerun starts over) with `keepBad`.
 */
export async function verifyAndFinalize(
  part: PartFile,
  digests: Digests,
  expect: Partial<Record<Algorithm, string>>,
  opts: { id: string; emit: (e: EventInput) => void; keepBad?: boolean; fsync: boolean; checkpointed: boolean },
): Promise<void> {
  for (const [algorithm, expected] of Object.entries(expect) as [Algorithm, string][]) {
    const actual = digests[algorithm] ?? '';
    opts.emit({ type: 'verify', id: opts.id, algorithm, actual, expected: expected.toLowerCase(), ok: actual === expected.toLowerCase() });
  }
  try {
    verifyDigests(digests, expect, part.target);
  } catch (err) {
    if (opts.keepBad) await dlGetCheckpoints.remove(part.checkpointPath);
    else await part.discard();
    throw err;
  }
  await part.finalize({ syncData: opts.fsync, checkpoint: opts.checkpointed });
}
