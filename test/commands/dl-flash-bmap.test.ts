import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/dl-flash.js';
import { memoryIo } from '../cli/memory-io.js';
import { assertValidEvents } from '../helpers/validate-events.js';
import { attachLoop, loopSkipReason, type LoopDevice } from '../helpers/loop-device.js';

const MiB = 1 << 20;
const bmaptoolMissing = (() => {
  try {
    execFileSync('bmaptool', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'bmaptool is not installed (apt-get install bmap-tools)';
  }
})();
const skip = loopSkipReason ?? bmaptoolMissing;

describe.skipIf(skip)(`dl-flash --bmap${skip ? ` (${skip})` : ''}`, () => {
  let dir: string;
  let loops: LoopDevice[] = [];
  const target = (): LoopDevice => {
    const file = join(dir, `t${loops.length}.img`);
    writeFileSync(file, Buffer.alloc(48 * MiB, 0x77));
    const l = attachLoop(file);
    loops.push(l);
    return l;
  };
  const flash = async (argv: string[]) => {
    const m = memoryIo({ env: { XDG_STATE_HOME: join(dir, 'state') }, cwd: dir });
    const code = await run(['--progress', 'json', '--yes', '--force', ...argv], m.io);
    return { code, events: assertValidEvents(m.stderr().split('\n').filter((l) => l.startsWith('{'))) as Record<string, unknown>[] };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dlk-flash-bmap-'));
    const path = join(dir, 'sparse.img');
    execFileSync('truncate', ['-s', `${40 * MiB + 1536}`, path]);
    const fd = openSync(path, 'r+');
    for (const mib of [0, 5, 6, 30]) writeSync(fd, randomBytes(MiB), 0, MiB, mib * MiB);
    writeSync(fd, randomBytes(1536), 0, 1536, 40 * MiB);
    closeSync(fd);
    execFileSync('bmaptool', ['create', '-o', join(dir, 'sparse.bmap'), path]);
  });
  afterEach(() => {
    for (const l of loops) l.detach();
    loops = [];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes and verifies only the mapped ranges, leaving the drive as bmaptool copy does', async () => {
    const [mine, theirs] = [target(), target()];
    const r = await flash(['sparse.img', mine.path, '--bmap', 'sparse.bmap']);
    expect(r.code).toBe(0);
    execFileSync('bmaptool', ['-q', 'copy', '--bmap', join(dir, 'sparse.bmap'), join(dir, 'sparse.img'), theirs.path]);
    expect(readFileSync(mine.file).equals(readFileSync(theirs.file))).toBe(true);
    // Unmapped blocks kept the drive's old bytes: nothing but the 4 MiB + 1536 mapped was written.
    expect(readFileSync(mine.file).subarray(10 * MiB, 11 * MiB).every((b) => b === 0x77)).toBe(true);
    expect(r.events.find((e) => e.type === 'start')).toMatchObject({ total: 4 * MiB + 1536, imageSize: 40 * MiB + 1536 });
    expect(r.events.find((e) => e.type === 'verify')).toMatchObject({ ok: true, algorithm: 'bmap-sha256' });
  });

  it('picks up IMAGE.bmap beside the image', async () => {
    const t = target();
    const r = await flash(['sparse.img', t.path]);
    expect(r.code).toBe(0);
    expect(r.events.find((e) => e.type === 'warn')).toMatchObject({ code: 'DL_WARN_BMAP_SIDECAR' });
    expect(readFileSync(t.file).subarray(10 * MiB, 11 * MiB).every((b) => b === 0x77)).toBe(true);
  });

  it('an image that does not match its bmap fails with 65', async () => {
    const bad = Buffer.from(readFileSync(join(dir, 'sparse.img')));
    bad[5 * MiB + 10] = bad[5 * MiB + 10]! ^ 1;
    writeFileSync(join(dir, 'bad.img'), bad);
    const t = target();
    const r = await flash(['bad.img', t.path, '--bmap', 'sparse.bmap']);
    expect(r.code).toBe(65);
    expect(String(r.events.at(-1)?.message)).toContain(`offset ${5 * MiB}`);
  });
});
