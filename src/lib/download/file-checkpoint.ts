import type { FileHandle } from 'node:fs/promises';
import { ByteRanges } from '../checkpoint/byte-ranges.js';
import { createCheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { HttpIdentity } from '../checkpoint/source-identity.js';
import { fsError } from '../fs/fs-error.js';
import { ALGORITHMS, type Algorithm } from '../hash/algorithms.js';
import type { PartFile } from '../fs/part-file.js';

/**
 * dl-get's checkpoint state: which byte ranges of the .part are written (and synced), and
 * the hashers' state after the first `hash.bytes` bytes (base64 per algorithm), when every
 * hasher can export one; otherwise a resume re-hashes that prefix from the part.
 */
export interface DlGetState {
  done: [number, number][];
  hash?: HashState;
}

export interface HashState {
  bytes: number;
  states: Partial<Record<Algorithm, string>>;
}

/** A saved hash state is an optimisation: a malformed one is dropped, not fatal. */
function validHash(x: unknown): HashState | undefined {
  const h = x as { bytes?: unknown; states?: unknown } | null | undefined;
  if (!h || !Number.isSafeInteger(h.bytes) || typeof h.states !== 'object' || h.states === null) return undefined;
  const states = Object.entries(h.states as Record<string, unknown>);
  if (!states.every(([a, v]) => (ALGORITHMS as readonly string[]).includes(a) && typeof v === 'string')) return undefined;
  return { bytes: h.bytes as number, states: Object.fromEntries(states) as HashState['states'] };
}

export const dlGetCheckpoints = createCheckpointStore<DlGetState>({
  kind: 'dl-get',
  version: 1,
  validateState: (x) => {
    const state = x as { done?: unknown; hash?: unknown } | null;
    const hash = validHash(state?.hash);
    return { done: ByteRanges.from(state?.done).toJSON(), ...(hash ? { hash } : {}) };
  },
});

/**
 * Saves the done ranges every `intervalMs` and on demand, one save at a time. With
 * `fsync` the part is fdatasync'ed before each save, so a checkpoint never claims bytes
 * a power loss could take back; without, it is as good as the page cache (process crashes).
 */
export class CheckpointSaver {
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #lastSaved = -1;

  constructor(
    private readonly fh: FileHandle,
    private readonly part: Pick<PartFile, 'partPath' | 'checkpointPath'>,
    private readonly identity: HttpIdentity,
    private readonly done: () => ByteRanges,
    private readonly fsync = true,
    private readonly hashState: () => HashState | undefined = () => undefined,
  ) {}

  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.save().catch(() => undefined), intervalMs);
    this.#timer.unref();
  }

  /** Queues a save (skipped when nothing changed since the last one). */
  save(): Promise<void> {
    this.#chain = this.#chain.catch(() => undefined).then(() => this.#saveNow());
    return this.#chain;
  }

  /** True once a checkpoint has been written by this saver. */
  get saved(): boolean {
    return this.#lastSaved >= 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#chain.catch(() => undefined);
  }

  async #saveNow(): Promise<void> {
    const done = this.done();
    const bytes = done.done;
    if (bytes === this.#lastSaved) return;
    // Taken together, synchronously: the hashed prefix is always inside these done ranges.
    const hash = this.hashState();
    const state = { done: done.toJSON(), ...(hash ? { hash } : {}) };
    try {
      if (this.fsync) await this.fh.datasync();
    } catch (err) {
      throw fsError(err, this.part.partPath, 'sync');
    }
    await dlGetCheckpoints.save(this.part.checkpointPath, { identity: this.identity, state });
    this.#lastSaved = bytes;
  }
}
