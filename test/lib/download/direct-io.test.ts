import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/lib/download/download-file.js';
import { DIRECT_MIN_BYTES } from '../../../src/lib/download/part-writers.js';
import { openDirect } from '../../../src/lib/fs/direct-io.js';
import { seededBytes } from '../../servers/seeded-random.js';
import { faultServerSuite } from './harness.js';

// Large enough to be written directly, and not a multiple of 4 KiB: the last block goes buffered.
const body = seededBytes(DIRECT_MIN_BYTES + 5 * 1024 * 1024 + 12_345, 71);
const sha256 = createHash('sha256').update(body).digest('hex');

const EXT4 = 0xef53;
const XFS = 0x58465342;
const BTRFS = 0x9123683e;
const directSkip = async (): Promise<string | undefined> => {
  const { type } = await statfs(tmpdir());
  return [EXT4, XFS, BTRFS].includes(type) ? undefined : `${tmpdir()} is not on ext4, XFS or btrfs (statfs type 0x${type.toString(16)}): no O_DIRECT path to test`;
};
const skipReason = await directSkip();
const fincoreMissing = spawnSync('fincore', ['--version']).status !== 0;

/** Bytes of `path` the page cache holds (fincore, util-linux). */
const resident = (path: string): number => Number(spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' }).stdout.trim());

describe.skipIf(skipReason)('dl-get writes large files past the page cache (O_DIRECT)', () => {
  const t = faultServerSuite();

  it.skipIf(fincoreMissing)('lands every byte on disk without filling the page cache, across resets at unaligned offsets', async () => {
    // Each retry continues at an offset off any 4 KiB boundary: buffered up to the next one, direct after.
    t.srv.route('/one', { body, faults: [{ kind: 'reset', afterBytes: 5_000_001 }, { kind: 'reset', afterBytes: 9_999_999 }] });
    const target = join(t.dir, 'one.bin');
    const r = await downloadToFile(t.h.options(`${t.srv.url}/one`, target));
    expect(r.bytes).toBe(body.length);
    expect(t.h.ofType('retry').length).toBe(2);
    // Written directly, the file is (nearly) absent from the cache; buffered, all of it would be there.
    expect(resident(target)).toBeLessThan(1024 * 1024);
    expect((await readFile(target)).equals(body)).toBe(true);
  });

  it('keeps the bytes of 4 segments and their in-order digest, reading back what other segments wrote directly', async () => {
    t.srv.route('/four', { body, faults: (_req, i) => (i === 2 ? { kind: 'reset', afterBytes: 3_333_333 } : undefined) });
    const target = join(t.dir, 'four.bin');
    await downloadToFile(t.h.options(`${t.srv.url}/four`, target, { segments: 4, minSplitBytes: 1024 * 1024, expect: { sha256 } }));
    expect((await readFile(target)).equals(body)).toBe(true);
  });

  it('resumes an interrupted direct download from an unaligned offset', async () => {
    t.srv.route('/resume', { body, rate: 64 * 1024 * 1024 });
    const target = join(t.dir, 'resume.bin');
    const ac = new AbortController();
    const first = t.h.options(`${t.srv.url}/resume`, target, { signal: ac.signal, checkpointIntervalMs: 50 });
    first.emit = (e) => void (e.type === 'progress' && e.bytes > 10 * 1024 * 1024 && ac.abort());
    await expect(downloadToFile(first)).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED' });
    t.srv.route('/resume', { body });
    const r = await downloadToFile(t.h.options(`${t.srv.url}/resume`, target, { expect: { sha256 } }));
    expect(r.fetched).toBeLessThan(body.length - 10 * 1024 * 1024);
    expect((await readFile(target)).equals(body)).toBe(true);
  });
});

describe('openDirect', () => {
  it.skipIf(skipReason)('opens a file on a local disk filesystem with O_DIRECT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlkit-direct-'));
    try {
      await writeFile(join(dir, 'f'), '');
      const fh = await openDirect(join(dir, 'f'));
      expect(fh).toBeDefined();
      // An unaligned direct write is refused: proof the handle bypasses the cache.
      await expect(fh!.write(Buffer.alloc(100), 0, 100, 0)).rejects.toMatchObject({ code: 'EINVAL' });
      await fh!.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stays buffered on tmpfs (and anywhere else off the list)', async () => {
    const shm = '/dev/shm';
    const dir = await mkdtemp(join(shm, 'dlkit-direct-')).catch(() => undefined);
    if (!dir) return expect(await openDirect('/proc/self/status')).toBeUndefined();
    try {
      await writeFile(join(dir, 'f'), '');
      expect(await openDirect(join(dir, 'f'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
