import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createCheckpointStore, type CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { parseSourceIdentity, sameIdentity, type DeviceIdentity, type SourceIdentity } from '../checkpoint/source-identity.js';
import { BLOCK_DIGEST_ALGORITHM } from './block-digests.js';

/**
 * dl-flash's checkpoint state: which drives, how far every one of them is durably
 * written, and the block digests of those bytes (the hasher state: verify after a resume
 * covers the whole image without reading the source's prefix again).
 */
export interface FlashState {
  devices: DeviceIdentity[];
  /** Every byte of [0, position) is on every drive. */
  position: number;
  /** The image's size when known. */
  size: number | null;
  blockSize: number;
  /**
   * Base64 of the 8-byte digest of every block below position; absent when the run
   * took none (a file written with --no-verify).
   */
  digests?: string;
  /** What made the digests: BLOCK_DIGEST_ALGORITHM; with digests only. */
  digestAlgorithm?: string;
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function validateState(x: unknown): FlashState {
  const s = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  if (!Array.isArray(s.devices) || s.devices.length === 0) throw new TypeError('no devices');
  const devices = s.devices.map(parseSourceIdentity);
  if (devices.some((d) => d.type !== 'device')) throw new TypeError('a device identity is not one');
  if (!isCount(s.position) || !isCount(s.blockSize) || s.blockSize === 0) throw new TypeError('bad position or block size');
  if (s.size !== null && !isCount(s.size)) throw new TypeError('bad size');
  const state = { devices: devices as DeviceIdentity[], position: s.position, size: s.size, blockSize: s.blockSize };
  if (s.digests === undefined) return state;
  if (typeof s.digests !== 'string') throw new TypeError('digests are not a string');
  if (Buffer.from(s.digests, 'base64').length !== Math.floor(s.position / s.blockSize) * 8) throw new TypeError('digests do not cover the position');
  // Checkpoints from before the digests were named hold xxh64 ones, which this run's cannot
  // be compared with: such a checkpoint is refused, and the run starts over saying why.
  const algorithm = typeof s.digestAlgorithm === 'string' ? s.digestAlgorithm : 'xxh64-blocks (an older dlkit)';
  if (algorithm !== BLOCK_DIGEST_ALGORITHM) throw new TypeError(`its block digests are ${algorithm}, not ${BLOCK_DIGEST_ALGORITHM}`);
  return { ...state, digests: s.digests, digestAlgorithm: algorithm };
}

export const flashCheckpointStore: CheckpointStore<FlashState> = createCheckpointStore({ kind: 'dl-flash', version: 1, validateState });

/** One checkpoint per set of drives: named after them and a digest of their identities. */
export function flashCheckpointPath(dir: string, devices: readonly DeviceIdentity[]): string {
  const keys = devices.map((d) => d.serial ?? d.busPath ?? d.path).sort();
  const names = devices.map((d) => d.path.split('/').pop() ?? 'dev').sort().join('+');
  return join(dir, `${names}-${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 12)}.json`);
}

/** The checkpoint applies: same source, same drives (each matched by identity), same block size. */
export function checkpointMatches(
  saved: { identity: SourceIdentity; state: FlashState },
  source: SourceIdentity,
  devices: readonly DeviceIdentity[],
  blockSize: number,
): boolean {
  const { state } = saved;
  return (
    sameIdentity(saved.identity, source) &&
    state.blockSize === blockSize &&
    state.devices.length === devices.length &&
    devices.every((d) => state.devices.some((s) => sameIdentity(s, d)))
  );
}
