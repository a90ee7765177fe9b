import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpIdentity } from '../../../src/lib/checkpoint/source-identity.js';
import { openContentStore } from '../../../src/lib/cache/content-store.js';
import { localCopy } from '../../../src/lib/cache/local-copy.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, body: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, body);
  return path;
}

describe('content store', () => {
  it('finds content by digest, and by URL only while the strong validator is the same', async () => {
    const store = await openContentStore(join(dir, 'cache'));
    const body = randomBytes(10_000);
    const identity: HttpIdentity = { type: 'http', url: 'https://h/x?token=secret', etag: '"abc"', size: body.length };
    await store.add(await file('x', body), sha256(body), identity);
    const byDigest = await store.findDigest(sha256(body));
    expect(await readFile(byDigest!)).toEqual(body);
    expect((await stat(byDigest!)).mode & 0o777).toBe(0o444);
    expect(await store.findSource({ ...identity, url: 'https://h/x?token=other' })).toEqual({ path: byDigest, sha256: sha256(body) });
    expect(await store.findSource({ ...identity, etag: '"changed"' })).toBeUndefined();
    expect(await store.findSource({ ...identity, size: 1 })).toBeUndefined();
    expect(await store.findSource({ type: 'http', url: identity.url, size: body.length, etag: 'W/"abc"' })).toBeUndefined();
    expect(await store.findDigest('0'.repeat(64))).toBeUndefined();
    // The URL entry never holds the secret query value.
    const { readdir } = await import('node:fs/promises');
    const [entry] = await readdir(join(dir, 'cache', 'urls'));
    expect(await readFile(join(dir, 'cache', 'urls', entry!), 'utf8')).not.toContain('secret');
  });

  it('evicts least recently used objects down to the limit', async () => {
    const store = await openContentStore(join(dir, 'cache'));
    const bodies = [randomBytes(1000), randomBytes(1000), randomBytes(1000)];
    for (const [i, b] of bodies.entries()) await store.add(await file(`f${i}`, b), sha256(b));
    // Used long ago, in the order 1, 0, 2; then 1 is used again now.
    for (const [i, age] of [[1, 300], [0, 200], [2, 100]] as const) {
      const path = (await store.findDigest(sha256(bodies[i]!)))!;
      const t = new Date(Date.now() - age * 1000);
      await utimes(path, t, t);
    }
    await store.findDigest(sha256(bodies[1]!));
    expect(await store.evict(2000)).toEqual({ removed: 1, bytes: 1000 });
    expect(await store.findDigest(sha256(bodies[0]!))).toBeUndefined();
    expect(await store.findDigest(sha256(bodies[1]!))).toBeDefined();
    expect(await store.findDigest(sha256(bodies[2]!))).toBeDefined();
  });

  it('a local copy is independent of its source and appears complete', async () => {
    const body = randomBytes(5000);
    const from = await file('from', body);
    await localCopy(from, join(dir, 'to'));
    await writeFile(from, 'changed');
    expect(await readFile(join(dir, 'to'))).toEqual(body);
    expect((await stat(join(dir, 'to'))).mode & 0o777).toBe(0o644);
  });
});
