import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { removeWithTemps, writeFileAtomic } from '../fs/atomic-write.js';
import { fsError, isNotFound } from '../fs/fs-error.js';
import { canonicalJson } from './canonical-json.js';
import { parseSourceIdentity, redactIdentity, type SourceIdentity } from './source-identity.js';

/**
 * The one checkpoint format. On disk, pretty-printed JSON:
 *
 *   { "format": "dlkit-checkpoint",  constant, tells our files from any other JSON
 *     "kind": "dl-get",              which tool's state this is
 *     "version": 1,                  that tool's state layout; any other is refused
 *     "savedAt": ISO 8601 UTC,
 *     "identity": SourceIdentity,    what the bytes came from (URLs redacted)
 *     "state": S,                    the tool's own, checked by its validateState
 *     "checksum": "sha256:<hex>" }   of the canonical JSON of all the fields above
 *
 * The checksum makes a torn or hand-edited file a refused checkpoint, not a resumed lie.
 */
export const CHECKPOINT_FORMAT = 'dlkit-checkpoint';

export interface Checkpoint<S> {
  kind: string;
  version: number;
  savedAt: string;
  identity: SourceIdentity;
  state: S;
}

export type InvalidReason =
  | 'corrupt'
  | 'wrong-kind'
  | 'wrong-version'
  | 'checksum-mismatch'
  | 'invalid-identity'
  | 'invalid-state';

export type LoadResult<S> =
  | { status: 'ok'; checkpoint: Checkpoint<S> }
  | { status: 'none' }
  | { status: 'invalid'; reason: InvalidReason; message: string };

export interface CheckpointStoreOptions<S> {
  kind: string;
  version: number;
  /** Returns the state typed, or throws saying what is wrong with it. */
  validateState: (x: unknown) => S;
}

export interface CheckpointStore<S> {
  /** Never throws for bad content; throws DlError only when the file cannot be read. */
  load(path: string): Promise<LoadResult<S>>;
  /** Atomic: after a crash at any instant the file holds this save or the previous one. */
  save(path: string, entry: { identity: SourceIdentity; state: S }): Promise<void>;
  /** Removes the checkpoint and any temp file a killed save left beside it. */
  remove(path: string): Promise<void>;
}

const checksumOf = (body: unknown): string =>
  `sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`;

type Envelope = Record<string, unknown>;
type Invalid = Extract<LoadResult<never>, { status: 'invalid' }>;

const invalid = (reason: InvalidReason, message: string): Invalid => ({ status: 'invalid', reason, message });

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const x: unknown = JSON.parse(text);
    return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Envelope).format === CHECKPOINT_FORMAT
      ? (x as Envelope)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a validator that throws, turning the throw into an invalid result. */
function attempt<T>(reason: InvalidReason, validate: () => T): { value: T } | Invalid {
  try {
    return { value: validate() };
  } catch (err) {
    return invalid(reason, err instanceof Error ? err.message : String(err));
  }
}

/** Checks in order of usefulness to the user: whose and which version before whether intact. */
function verify<S>(e: Envelope, opts: CheckpointStoreOptions<S>): LoadResult<S> {
  if (e.kind !== opts.kind) return invalid('wrong-kind', `checkpoint of ${String(e.kind)}, not ${opts.kind}`);
  if (e.version !== opts.version) return invalid('wrong-version', `version ${String(e.version)}, expected ${opts.version}`);
  const { checksum, ...body } = e;
  if (checksum !== checksumOf(body)) return invalid('checksum-mismatch', 'checksum does not match the content');
  if (typeof e.savedAt !== 'string') return invalid('corrupt', 'savedAt is missing');
  const identity = attempt('invalid-identity', () => parseSourceIdentity(e.identity));
  if (!('value' in identity)) return identity;
  const state = attempt('invalid-state', () => opts.validateState(e.state));
  if (!('value' in state)) return state;
  const checkpoint = { kind: opts.kind, version: opts.version, savedAt: e.savedAt, identity: identity.value, state: state.value };
  return { status: 'ok', checkpoint };
}

export function createCheckpointStore<S>(opts: CheckpointStoreOptions<S>): CheckpointStore<S> {
  if (opts.kind === '') throw new TypeError('checkpoint kind must not be empty');
  if (!Number.isSafeInteger(opts.version) || opts.version < 1) throw new TypeError(`checkpoint version must be a positive integer, got ${opts.version}`);
  return {
    async load(path) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if (isNotFound(err)) return { status: 'none' };
        throw fsError(err, path, 'read');
      }
      const e = parseEnvelope(text);
      return e ? verify(e, opts) : invalid('corrupt', 'not a dlkit checkpoint (unreadable JSON or wrong format)');
    },
    async save(path, { identity, state }) {
      const fields = {
        format: CHECKPOINT_FORMAT,
        kind: opts.kind,
        version: opts.version,
        savedAt: new Date().toISOString(),
        identity: redactIdentity(identity),
        state,
      };
      // Round trip first, so the checksum covers exactly what load will parse back.
      const body = JSON.parse(JSON.stringify(fields)) as Envelope;
      await writeFileAtomic(path, `${JSON.stringify({ ...body, checksum: checksumOf(body) }, null, 2)}\n`);
    },
    remove: removeWithTemps,
  };
}
