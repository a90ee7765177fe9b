import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveWarning } from '../../../src/lib/archive/entry-info.js';
import { extractTar } from '../../../src/lib/archive/extract-tar.js';
import { extractZip } from '../../../src/lib/archive/extract-zip.js';
import { chunksOf, hasTool, sh, tempDir } from '../unpack/tools.js';

/**
 * Hostile archives made here with GNU tar (-P keeps `..` and `/`, --transform renames a
 * member to go through a symlink) and with zip plus a same-length rename of the name
 * bytes. Nothing may appear outside DIR; each entry is refused with a warning, or fatally
 * with strict.
 */
const tmp = tempDir('dl-unpack-hostile-');
afterAll(tmp.cleanup);
const root = tmp.dir;
const outside = join(root, 'outside');
let dir: string;
let n = 0;
beforeEach(() => {
  dir = join(root, `x${n++}`, 'in');
  mkdirSync(dir, { recursive: true });
  mkdirSync(outside, { recursive: true });
});

async function tar(archive: Buffer, strict = false): Promise<{ warnings: ArchiveWarning[]; error?: unknown }> {
  const warnings: ArchiveWarning[] = [];
  try {
    await extractTar(chunksOf(archive, 4096), { dir, strict, onWarn: (w) => warnings.push(w) });
    return { warnings };
  } catch (error) {
    return { warnings, error };
  }
}

describe('tar', () => {
  it('`..` traversal is refused; strict makes it fatal', async () => {
    sh(`mkdir -p a && echo pwned > ../evil2 && tar -cPf t2.tar a/../../evil2 && rm ../evil2`, outside);
    const archive = readFileSync(join(outside, 't2.tar'));
    const r = await tar(archive);
    expect(r.warnings.map((w) => w.code)).toContain('DL_WARN_DOT_DOT');
    expect(existsSync(join(root, 'evil2'))).toBe(false);
    expect((await tar(archive, true)).error).toMatchObject({ code: 'DL_ERR_UNSAFE_ENTRY', exitCode: 77 });
  });

  it('absolute paths are refused, not re-rooted', async () => {
    const target = join(root, 'abs-target');
    writeFileSync(target, 'x');
    const archive = sh(`tar -cPf - ${target}`);
    sh(`rm ${target}`);
    const r = await tar(archive);
    expect(r.warnings.map((w) => w.code)).toEqual(['DL_WARN_ABSOLUTE_PATH']);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(dir, target))).toBe(false);
  });

  it('a symlink to outside, then a file written through it, is refused', async () => {
    const work = join(root, 'mk-symlink');
    mkdirSync(work);
    sh(`ln -s ${outside} link && echo pwned > payload && tar -cf t.tar link && tar -rf t.tar --transform 's,^payload$,link/payload,' payload`, work);
    const r = await tar(readFileSync(join(work, 't.tar')));
    expect(r.warnings.map((w) => w.code)).toEqual(['DL_WARN_THROUGH_SYMLINK']);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(outside, 'payload'))).toBe(false);
  });

  it('a hard link to a file outside is refused', async () => {
    const work = join(root, 'mk-hardlink');
    mkdirSync(work);
    sh(`echo secret > s && ln s h && tar -cPf t.tar --transform 's,^s$,../../outside/s,' s h`, work);
    const r = await tar(readFileSync(join(work, 't.tar')));
    expect(r.warnings.map((w) => w.code)).toEqual(['DL_WARN_DOT_DOT', 'DL_WARN_DOT_DOT']);
  });

  it('a truncated tar is exit 65', async () => {
    const work = join(root, 'mk-trunc');
    mkdirSync(work);
    sh('head -c 100000 /dev/urandom > f && tar -cf t.tar f', work);
    const r = await tar(readFileSync(join(work, 't.tar')).subarray(0, 50_000));
    expect(r.error).toMatchObject({ code: 'DL_ERR_CORRUPT', exitCode: 65 });
  });
});

describe.skipIf(!hasTool('zip'))('zip', () => {
  /** A zip whose member `from` is renamed to `to` (same length) in both headers. */
  function zipRenamed(from: string, to: string): string {
    const work = join(root, `mk-zip-${n++}`);
    mkdirSync(join(work, from.split('/').slice(0, -1).join('/') || '.'), { recursive: true });
    writeFileSync(join(work, from), 'pwned\n');
    sh(`zip -q t.zip ${from}`, work);
    const bytes = readFileSync(join(work, 't.zip'));
    const renamed = Buffer.from(bytes.toString('latin1').split(from).join(to), 'latin1');
    writeFileSync(join(work, 'bad.zip'), renamed);
    return join(work, 'bad.zip');
  }

  it.each([
    ['zz/zzzzz/evil', '../../../evil', 'DL_WARN_DOT_DOT'],
    ['zzzzzzzzzzzzz', '/tmp/dl-pwned', 'DL_WARN_ABSOLUTE_PATH'],
  ])('%s renamed %s is refused', async (from, to, code) => {
    const warnings: ArchiveWarning[] = [];
    await extractZip(zipRenamed(from, to), { dir, onWarn: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.code)).toEqual([code]);
    expect(existsSync('/tmp/dl-pwned')).toBe(false);
    expect(existsSync(join(dir, '../../../evil'))).toBe(false);
  });

  it('a symlink to outside, then a file through it, is refused', async () => {
    const work = join(root, 'mk-zip-link');
    mkdirSync(join(work, 'lnk'), { recursive: true });
    writeFileSync(join(work, 'lnk/payload'), 'pwned\n');
    sh(`zip -q t.zip lnk/payload && mv lnk real && ln -s ${outside} lnk && zip -q -y t.zip lnk`, work);
    // the link entry must come before the file for the attack: rebuild in that order
    sh(`rm t.zip && zip -q -y t.zip lnk && rm lnk && mv real lnk && zip -q t.zip lnk/payload`, work);
    const warnings: ArchiveWarning[] = [];
    await extractZip(join(work, 't.zip'), { dir, onWarn: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.code)).toEqual(['DL_WARN_THROUGH_SYMLINK']);
    expect(existsSync(join(outside, 'payload'))).toBe(false);
  });
});
