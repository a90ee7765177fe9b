import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { ByteRanges } from '../../../src/lib/checkpoint/byte-ranges.js';
import { canonicalJson } from '../../../src/lib/checkpoint/canonical-json.js';
import { createCheckpointStore, type InvalidReason } from '../../../src/lib/checkpoint/checkpoint-store.js';
import type { SourceIdentity } from '../../../src/lib/checkpoint/source-identity.js';
import { ExitCode } from '../../../src/lib/errors/dl-error.js';

interface DownloadState {
  done: ByteRanges;
  hasher: string;
}
const validateState = (x: unknown): DownloadState => {
  const o = x as { done?: unknown; hasher?: unknown } | null;
  if (typeof o?.hasher !== 'string') throw new TypeError('hasher state must be a base64 string');
  return { done: ByteRanges.from(o.done), hasher: o.hasher };
};
const store = createCheckpointStore({ kind: 'dl-get', version: 1, validateState });
const identity: SourceIdentity = { type: 'http', url: 'https://u:hunter2@h/x.iso?X-Amz-Signature=s3cr3t', etag: '"e1"', size: 1000 };
const state = (): DownloadState => ({ done: new ByteRanges().add(0, 100).add(500, 600), hasher: Buffer.from('hash').toString('base64') });

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A valid checkpoint file's text, to be damaged by the cases below. */
async function validText(): Promise<string> {
  const p = join(dir, `valid-${n++}.json`);
  await store.save(p, { identity, state: state() });
  return readFile(p, 'utf8');
}

/** Edits the envelope and re-signs it, as a tool of another version or kind would have written it. */
const resigned = (text: string, edit: (e: Record<string, unknown>) => void): string => {
  const { checksum: _old, ...body } = JSON.parse(text) as Record<string, unknown>;
  edit(body);
  return JSON.stringify({ ...body, checksum: `sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex')}` });
};

describe('checkpoint store load', () => {
  test.each<[string, ((valid: string) => string) | null, InvalidReason | 'ok' | 'none']>([
    ['missing', null, 'none'],
    ['valid', (t) => t, 'ok'],
    ['empty file', () => '', 'corrupt'],
    ['garbage', () => '\u0000\u0001garbage{', 'corrupt'],
    ['truncated (torn write)', (t) => t.slice(0, Math.floor(t.length / 2)), 'corrupt'],
    ['JSON, not a checkpoint', () => '{"hello":"world"}', 'corrupt'],
    ['JSON array', () => '[1,2]', 'corrupt'],
    ['wrong kind', (t) => resigned(t, (e) => (e.kind = 'dl-flash')), 'wrong-kind'],
    ['wrong version', (t) => resigned(t, (e) => (e.version = 2)), 'wrong-version'],
    ['edited state, stale checksum', (t) => t.replace('"hasher": "', '"hasher": "A'), 'checksum-mismatch'],
    ['checksum removed', (t) => resigned(t, () => undefined).replace(/,"checksum":"[^"]*"/, ''), 'checksum-mismatch'],
    ['bad identity', (t) => resigned(t, (e) => (e.identity = { type: 'http', url: 'x' })), 'invalid-identity'],
    ['bad state', (t) => resigned(t, (e) => (e.state = { done: [[5, 1]], hasher: 'x' })), 'invalid-state'],
    ['savedAt missing', (t) => resigned(t, (e) => delete e.savedAt), 'corrupt'],
  ])('%s → %s', async (_name, make, expected) => {
    const p = join(dir, `case-${n++}.json`);
    if (make) await writeFile(p, make(await validText()));
    const r = await store.load(p);
    if (expected === 'ok' || expected === 'none') {
      expect(r.status).toBe(expected);
    } else {
      expect(r).toMatchObject({ status: 'invalid', reason: expected });
      if (r.status === 'invalid') expect(r.message).toBeTruthy();
    }
  });

  it('gives back the state and the identity, with secrets never written to disk', async () => {
    const p = join(dir, 'round-trip.json');
    await store.save(p, { identity, state: state() });
    const text = await readFile(p, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cr3t');
    const r = await store.load(p);
    if (r.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
    expect(r.checkpoint.state.done.ranges).toEqual([[0, 100], [500, 600]]);
    expect(r.checkpoint.state.hasher).toBe(state().hasher);
    expect(r.checkpoint.identity).toEqual({ ...identity, url: 'https://***:***@h/x.iso?X-Amz-Signature=***' });
    expect(r.checkpoint).toMatchObject({ kind: 'dl-get', version: 1 });
    expect(Date.parse(r.checkpoint.savedAt)).not.toBeNaN();
  });

  it('ignores temp leftovers of a killed save, and remove() cleans them', async () => {
    const sub = await mkdtemp(join(dir, 'leftovers-'));
    const p = join(sub, 'x.part.json');
    await store.save(p, { identity, state: state() });
    await writeFile(`${p}.tmp-0123456789ab`, '{"format":"dlkit-checkpoint", torn');
    expect((await store.load(p)).status).toBe('ok');
    await store.remove(p);
    expect(await readdir(sub)).toEqual([]);
    expect((await store.load(p)).status).toBe('none');
  });

  it('throws a DlError when the file cannot be read at all', async () => {
    const p = join(dir, 'a-directory.json');
    await mkdir(p);
    await expect(store.load(p)).rejects.toMatchObject({ exitCode: ExitCode.NO_INPUT });
  });

  it('rejects a bad store definition eagerly', () => {
    expect(() => createCheckpointStore({ kind: '', version: 1, validateState })).toThrow(TypeError);
    expect(() => createCheckpointStore({ kind: 'k', version: 0, validateState })).toThrow(/positive integer/);
  });
});
