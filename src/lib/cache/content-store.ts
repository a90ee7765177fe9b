import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { sameIdentity, type HttpIdentity } from '../checkpoint/source-identity.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { fsError, isNotFound } from '../fs/fs-error.js';
import { redactUrl } from '../redact/redact-url.js';
import { localCopy } from './local-copy.js';

/**
 * A content-addressed store shared by batches and processes (`dl-get --cache DIR`):
 *
 *   DIR/objects/ab/abcdef…     the bytes, named by their SHA-256, read-only
 *   DIR/urls/<sha256 of URL>.json   {"identity": HttpIdentity, "sha256": hex}: which object
 *                              a URL served while its strong validator was this one
 *
 * Every write is a temp file renamed into place, so concurrent processes (shards on one
 * machine) never see half an object. A URL entry is trusted only while the server still
 * names the same strong ETag or Last-Modified and size (sameIdentity), so a changed file
 * is fetched again. An object's access time is set on every use; eviction removes the
 * least recently used first.
 */
export interface ContentStore {
  readonly dir: string;
  /** The object holding content with this SHA-256, if cached. */
  findDigest(sha256: string): Promise<string | undefined>;
  /** The object a URL served under this identity, if cached. */
  findSource(identity: HttpIdentity): Promise<{ path: string; sha256: string } | undefined>;
  /** Copies a verified file in, and remembers which source served it (when known). */
  add(file: string, sha256: string, source?: HttpIdentity): Promise<void>;
  /** Removes least recently used objects until the store holds at most `maxBytes`. */
  evict(maxBytes: number): Promise<{ removed: number; bytes: number }>;
}

const HEX64 = /^[0-9a-f]{64}$/;

export async function openContentStore(dir: string): Promise<ContentStore> {
  for (const sub of ['objects', 'urls']) {
    await mkdir(join(dir, sub), { recursive: true }).catch((err: unknown) => {
      throw fsError(err, join(dir, sub), 'create');
    });
  }
  const objectPath = (sha256: string): string => join(dir, 'objects', sha256.slice(0, 2), sha256);
  const urlPath = (url: string): string => join(dir, 'urls', `${createHash('sha256').update(redactUrl(url)).digest('hex')}.json`);

  const findDigest = async (sha256: string): Promise<string | undefined> => {
    if (!HEX64.test(sha256)) return undefined;
    const path = objectPath(sha256);
    try {
      const now = new Date();
      await utimes(path, now, (await stat(path)).mtime);
      return path;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw fsError(err, path, 'stat');
    }
  };

  return {
    dir,
    findDigest,
    async findSource(identity) {
      const entry = await readUrlEntry(urlPath(identity.url));
      if (!entry || !sameIdentity(entry.identity, identity)) return undefined;
      const path = await findDigest(entry.sha256);
      return path === undefined ? undefined : { path, sha256: entry.sha256 };
    },
    async add(file, sha256, source) {
      if (!HEX64.test(sha256)) throw new TypeError(`not a sha256 digest: ${sha256}`);
      const path = objectPath(sha256);
      if ((await findDigest(sha256)) === undefined) {
        await mkdir(join(dir, 'objects', sha256.slice(0, 2)), { recursive: true });
        await localCopy(file, path, 0o444);
      }
      if (source) await writeFileAtomic(urlPath(source.url), `${JSON.stringify({ identity: { ...source, url: redactUrl(source.url) }, sha256 })}\n`);
    },
    evict: (maxBytes) => evictObjects(join(dir, 'objects'), maxBytes),
  };
}

async function readUrlEntry(path: string): Promise<{ identity: HttpIdentity; sha256: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw fsError(err, path, 'read');
  }
  try {
    const o = JSON.parse(text) as { identity?: HttpIdentity; sha256?: unknown };
    return o.identity?.type === 'http' && typeof o.sha256 === 'string' ? { identity: o.identity, sha256: o.sha256 } : undefined;
  } catch {
    return undefined; // a damaged entry is a miss, and the next add replaces it
  }
}

async function evictObjects(root: string, maxBytes: number): Promise<{ removed: number; bytes: number }> {
  const objects: { path: string; size: number; used: number }[] = [];
  for (const sub of await readdir(root)) {
    for (const name of await readdir(join(root, sub)).catch(() => [] as string[])) {
      if (!HEX64.test(name)) continue; // temp files of a copy in progress
      const path = join(root, sub, name);
      const st = await stat(path).catch(() => undefined);
      if (st) objects.push({ path, size: st.size, used: st.atimeMs });
    }
  }
  let total = objects.reduce((n, o) => n + o.size, 0);
  const out = { removed: 0, bytes: 0 };
  for (const o of objects.sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes) break;
    await unlink(o.path).catch((err: unknown) => {
      if (!isNotFound(err)) throw fsError(err, o.path, 'remove');
    });
    total -= o.size;
    out.removed++;
    out.bytes += o.size;
  }
  return out;
}
