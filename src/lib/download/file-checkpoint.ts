import type { FileHandle } from 'node:fs/promises';
import { ByteRanges } from '../checkpoint/byte-ranges.js';
import { createCheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { HttpIdentity } from '../checkpoint/source-identity.js';
import { fsError } from '../fs/fs-error.js';
import type { PartFile } from '../fs/part-file.js';

/** dl-get's checkpoint state: which byte ranges of the .part are written and synced. */
export interface DlGetState {
  done: [number, number][];
}

export const dlGetCheckpoints = createCheckpointStore<DlGetState>({
  kind: 'dl-get',
  version: 1,
  validateState: (x) => {
    const done = (x as { done?: unknown } | null)?.done;
    return { done: ByteRanges.from(done).toJSON() };
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

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#chain.catch(() => undefined);
  }

  async #saveNow(): Promise<void> {
    const done = this.done();
    const bytes = done.done;
    if (bytes === this.#lastSaved) return;
    const state = { done: done.toJSON() };
    try {
      if (this.fsync) await this.fh.datasync();
    } catch (err) {
      throw fsError(err, this.part.partPath, 'sync');
    }
    await dlGetCheckpoints.save(this.part.checkpointPath, { identity: this.identity, state });
    this.#lastSaved = bytes;
  }
}
