import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachLoop, loopSkipReason, type LoopDevice } from '../helpers/loop-device.js';
import { FIXTURES } from '../lib/stargz/fixtures.js';
import { nginxSkipReason, startNginx, type Nginx } from '../servers/nginx.js';
import { pushPlan, registrySkipReason, startRegistry, type Registry } from '../servers/registry.js';
import { notBuilt, REPO, toolShell, type ToolShell } from '../e2e/pipeline-tools.js';

/** Each recipe in recipes/ run by make, as its header says, against local servers and loop devices. */
const MiB = 1 << 20;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const image = Buffer.concat([randomBytes(2 * MiB), Buffer.alloc(2 * MiB)]);
const makeSkip = execFileSync('sh', ['-c', 'command -v make || true'], { encoding: 'utf8' }) === '' ? 'make is not installed' : undefined;

let sh: ToolShell;
let web: Nginx | undefined;
const make = (recipe: string, args: string): ReturnType<ToolShell['bash']> => sh.bash(`make -s -f ${REPO}/recipes/${recipe} ${args}`);

beforeAll(async () => {
  sh = toolShell();
  writeFileSync(join(sh.dir, 'image.img'), image);
  execFileSync('xz', ['-0', '-T1', '-k', 'image.img'], { cwd: sh.dir });
  writeFileSync(join(sh.dir, 'notes.txt'), 'hello\n');
  if (!nginxSkipReason()) web = await startNginx({ root: sh.dir });
});
afterAll(async () => {
  await web?.stop();
  sh?.remove();
});

describe.skipIf(makeSkip)(`install.mk${makeSkip ? ` (skipped: ${makeSkip})` : ''}`, () => {
  it('install-man puts every page under PREFIX, where man finds it; uninstall-man removes them', () => {
    const pages = readdirSync(join(REPO, 'man')).filter((f) => /\.[17]$/.test(f));
    const r = make('install.mk', 'install-man PREFIX="$PWD/prefix"');
    expect(r.status).toBe(0);
    for (const p of pages) expect(existsSync(join(sh.dir, 'prefix/share/man', `man${p.at(-1)}`, p)), p).toBe(true);
    expect(sh.bash('MANPATH="$PWD/prefix/share/man" man -w dlkit dl-hash').stdout).toBe(`${sh.dir}/prefix/share/man/man7/dlkit.7\n${sh.dir}/prefix/share/man/man1/dl-hash.1\n`);
    expect(make('install.mk', 'uninstall-man PREFIX="$PWD/prefix"').status).toBe(0);
    expect(sh.bash('find prefix -type f').stdout).toBe('');
  });
});

const flashSkip = makeSkip ?? loopSkipReason ?? nginxSkipReason() ?? notBuilt('dl-get', 'dl-hash', 'dl-unpack', 'dl-flash', 'dl-bench');

describe.skipIf(flashSkip)(`flash.mk and bench-flash.mk${flashSkip ? ` (skipped: ${flashSkip})` : ''}`, () => {
  let loop: LoopDevice;
  beforeAll(() => {
    writeFileSync(join(sh.dir, 'drive.img'), Buffer.alloc(16 * MiB));
    loop = attachLoop(join(sh.dir, 'drive.img'));
  });
  afterAll(() => loop?.detach());
  const onDrive = (): Buffer => readFileSync(loop.file).subarray(0, image.length);
  const xzSum = (): string => sha256(readFileSync(join(sh.dir, 'image.img.xz')));

  it('flash.mk: the image from a URL, checked, on the drive', () => {
    writeFileSync(loop.file, Buffer.alloc(16 * MiB, 0xff));
    const r = make('flash.mk', `URL=${web!.url}/image.img.xz SHA256=${xzSum()} DEVICE=${loop.path} FLASH_OPTS='--force --progress none'`);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(onDrive().equals(image)).toBe(true);
  });

  it('flash.mk: a wrong checksum fails the recipe and leaves the start of the drive wiped', () => {
    const r = make('flash.mk', `URL=${web!.url}/image.img.xz SHA256=${'0'.repeat(64)} DEVICE=${loop.path} FLASH_OPTS='--force --progress none'`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/sha256 mismatch/);
    expect(r.stderr).toMatch(/flash\.mk: failed \(status 65\)/);
    expect(readFileSync(loop.file).subarray(0, MiB).equals(Buffer.alloc(MiB))).toBe(true);
  });

  it('flash.mk without its variables: usage, 64', () => {
    expect(make('flash.mk', '').stderr).toMatch(/^usage: make -f recipes\/flash\.mk/);
  });

  it('bench-flash.mk: measures block sizes, then flashes with the best', () => {
    writeFileSync(loop.file, Buffer.alloc(16 * MiB, 0xff));
    const r = make('bench-flash.mk', `IMAGE=image.img.xz DEVICE=${loop.path} BENCH_SIZE=4M BENCH_OPTS=--force FLASH_OPTS='--force --progress none'`);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^bench-flash\.mk: best block size \d+[KM]$/m);
    expect(onDrive().equals(image)).toBe(true);
  });
});

const mirrorSkip = makeSkip ?? nginxSkipReason() ?? notBuilt('dl-get', 'dl-hash');

describe.skipIf(mirrorSkip)(`mirror.mk${mirrorSkip ? ` (skipped: ${mirrorSkip})` : ''}`, () => {
  it('fetches the list into DIR and writes a SHA256SUMS that sha256sum -c accepts; check passes', () => {
    writeFileSync(join(sh.dir, 'urls.txt'), `# test list\n${web!.url}/image.img.xz\n\n${web!.url}/notes.txt\n`);
    const r = make('mirror.mk', 'LIST=urls.txt DIR=m1');
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(sh.dir, 'm1/SHA256SUMS'), 'utf8')).toBe(sh.bash('cd m1 && sha256sum image.img.xz notes.txt').stdout);
    expect(make('mirror.mk', 'DIR=m1 check').status).toBe(0);
  });

  it('with SUMS_URL: a file that does not match the published list fails, and no SHA256SUMS is written', () => {
    writeFileSync(join(sh.dir, 'urls.txt'), `${web!.url}/notes.txt\n`);
    writeFileSync(join(sh.dir, 'PUBLISHED'), `${'0'.repeat(64)}  notes.txt\n`);
    const r = make('mirror.mk', `LIST=urls.txt DIR=m2 SUMS_URL=${web!.url}/PUBLISHED`);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/notes\.txt: FAILED/);
    expect(existsSync(join(sh.dir, 'm2/SHA256SUMS'))).toBe(false);
  });
});

const stargzSkip = makeSkip ?? registrySkipReason() ?? notBuilt('stargz-get', 'stargz-ls');

describe.skipIf(stargzSkip)(`stargz.mk${stargzSkip ? ` (skipped: ${stargzSkip})` : ''}`, () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry();
    await pushPlan(reg, FIXTURES);
  }, 60_000);
  afterAll(async () => reg?.stop());

  it('extracts the chosen files, verified, into DIR; list shows the tree', () => {
    const r = make('stargz.mk', `IMAGE=${reg.host}/fixtures/multi:v1 FILES='etc/config.ini' DIR=rootfs STARGZ_OPTS='--progress none'`);
    expect(r.status).toBe(0);
    expect(sh.bash('sha256sum rootfs/etc/config.ini').stdout).toBe('6c75ced1d3ffc677a4a9e57e7bd697f6655cbe19eb62833053033dbdf55a3e1d  rootfs/etc/config.ini\n');
    expect(make('stargz.mk', `IMAGE=${reg.host}/fixtures/multi:v1 list`).stdout).toContain('etc/config.ini');
  });
});
