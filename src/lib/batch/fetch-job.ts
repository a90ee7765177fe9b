import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { localCopy } from '../cache/local-copy.js';
import { probeIdentity } from '../cache/probe-identity.js';
import type { ContentStore } from '../cache/content-store.js';
import type { HttpIdentity } from '../checkpoint/source-identity.js';
import { downloadToFile, type FileDownloadOptions } from '../download/download-file.js';
import { hasValidator } from '../download/source-check.js';
import { fsError } from '../fs/fs-error.js';
import type { Algorithm, Digests } from '../hash/algorithms.js';
import { hashFile } from '../hash/hash-file.js';
import type { Credentials } from '../http/credentials.js';
import type { BatchJob } from './plan-jobs.js';

/** Download options every job of a batch shares; the rest comes from the job. */
export type SharedDownload = Omit<FileDownloadOptions, 'url' | 'id' | 'mirrors' | 'expect' | 'target' | 'emit' | 'signal' | 'credentials'>;

/** A copy another job of the batch made or is making of the same content. */
export type Produced = { path: string; digests: Digests; bytes: number } | undefined;

export interface FetchContext {
  base: SharedDownload;
  /** The URL to fetch (resolver schemes resolved) and its credentials (job headers added). */
  source: (job: BatchJob, signal: AbortSignal) => Promise<{ url: string; credentials?: Credentials }>;
  skipExisting: boolean;
  store?: ContentStore;
  /** Content already being fetched in this batch, by dedupe key. */
  producing: Map<string, Promise<Produced>>;
  /** Output directories made (or being made) in this batch, so each is made once. */
  dirs: Map<string, Promise<void>>;
}

export interface Outcome {
  status: 'ok' | 'cached' | 'skipped';
  bytes: number;
  fetched: number;
  digests: Digests;
}

/**
 * Gets one job's file: kept when already complete (--skip-existing), copied when another
 * job of the batch fetched the same content or the cache holds it, else downloaded (and
 * then added to the cache). Throws the download's DlError.
 */
export async function fetchJob(job: BatchJob, ctx: FetchContext, emit: FileDownloadOptions['emit'], signal: AbortSignal): Promise<Outcome> {
  const { url, credentials } = await ctx.source(job, signal);
  const opts: FileDownloadOptions = {
    ...ctx.base,
    url,
    credentials,
    id: job.id,
    target: job.target,
    mirrors: job.spec.mirrors ?? [],
    expect: job.spec.expect ?? {},
    segments: job.spec.segments ?? ctx.base.segments,
    emit,
    signal,
  };
  const kept = ctx.skipExisting ? await completeOnDisk(opts) : undefined;
  if (kept) return kept;
  await outputDir(ctx.dirs, dirname(job.target));
  return once(ctx.producing, dedupeKey(job), opts, () => fromCacheOrNetwork(opts, ctx.store));
}

/**
 * As aria2c and wget -P do: a job list may name outputs in directories not made yet.
 * Made once per batch, not once per job: thousands of files share a few directories.
 */
function outputDir(dirs: Map<string, Promise<void>>, dir: string): Promise<void> {
  let made = dirs.get(dir);
  if (!made) {
    made = mkdir(dir, { recursive: true }).then(
      () => undefined,
      (err: unknown) => {
        dirs.delete(dir); // the next job tries again, and reports its own failure
        throw fsError(err, dir, 'create');
      },
    );
    dirs.set(dir, made);
  }
  return made;
}

const dedupeKey = (job: BatchJob): string => (job.spec.expect?.sha256 ? `sha256:${job.spec.expect.sha256}` : `url:${job.spec.url}`);

/**
 * The first job with a key produces; later ones wait for it and copy its file. When the
 * producer fails, the next one tries itself (it may have other mirrors or headers).
 */
async function once(producing: Map<string, Promise<Produced>>, key: string, opts: FileDownloadOptions, produce: () => Promise<Outcome>): Promise<Outcome> {
  // Looked up and claimed in one synchronous step, so two jobs cannot both claim a key.
  const earlier = producing.get(key);
  let settle!: (p: Produced) => void;
  const mine = new Promise<Produced>((r) => (settle = r));
  producing.set(key, earlier ? earlier.then((e) => e ?? mine) : mine);
  const copy = earlier && (await earlier);
  if (copy) {
    await localCopy(copy.path, opts.target);
    return { status: 'cached', bytes: copy.bytes, fetched: 0, digests: copy.digests };
  }
  try {
    const outcome = await produce();
    settle({ path: opts.target, digests: outcome.digests, bytes: outcome.bytes });
    return outcome;
  } catch (err) {
    settle(undefined);
    throw err;
  }
}

async function fromCacheOrNetwork(opts: FileDownloadOptions, store: ContentStore | undefined): Promise<Outcome> {
  const sha256 = opts.expect?.sha256;
  if (store && sha256) {
    const hit = await store.findDigest(sha256);
    if (hit) return copied(hit, opts, { sha256 });
  }
  let identity: HttpIdentity | undefined;
  if (store && !sha256) {
    identity = await probeIdentity(opts);
    const hit = identity && hasValidator(identity) ? await store.findSource(identity) : undefined;
    if (hit) return copied(hit.path, opts, { sha256: hit.sha256 });
  }
  const result = await downloadToFile(opts);
  if (store) {
    const digest = result.digests.sha256 ?? (await hashFile(opts.target, ['sha256'], { signal: opts.signal })).digests.sha256!;
    await store.add(opts.target, digest, identity && hasValidator(identity) ? identity : undefined);
  }
  return { status: 'ok', bytes: result.bytes, fetched: result.fetched, digests: result.digests };
}

async function copied(from: string, opts: FileDownloadOptions, digests: Digests): Promise<Outcome> {
  await localCopy(from, opts.target);
  const { size } = await stat(opts.target);
  return { status: 'cached', bytes: size, fetched: 0, digests };
}

/**
 * --skip-existing: the target is complete when its digests match the expected ones, or,
 * with none expected, when its size is the one the server announces now (HEAD).
 */
async function completeOnDisk(opts: FileDownloadOptions): Promise<Outcome | undefined> {
  const st = await stat(opts.target).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const expected = Object.entries(opts.expect ?? {}) as [Algorithm, string][];
  if (expected.length > 0) {
    const { digests } = await hashFile(opts.target, expected.map(([a]) => a), { signal: opts.signal });
    const same = expected.every(([a, hex]) => digests[a] === hex);
    return same ? { status: 'skipped', bytes: st.size, fetched: 0, digests } : undefined;
  }
  const identity = await probeIdentity(opts);
  return identity?.size === st.size ? { status: 'skipped', bytes: st.size, fetched: 0, digests: {} } : undefined;
}
