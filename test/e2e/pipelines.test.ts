import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachLoop, loopSkipReason, type LoopDevice } from '../helpers/loop-device.js';
import { nginxSkipReason, startNginx, type Nginx } from '../servers/nginx.js';
import { pushPlan, registrySkipReason, startRegistry, type Registry } from '../servers/registry.js';
import { FIXTURES } from '../lib/stargz/fixtures.js';
import { notBuilt, toolShell, type ToolShell } from './pipeline-tools.js';

/**
 * The commands as users chain them: real bash pipelines with pipefail over the built
 * binaries, a real nginx, the real registry and a loop device, checking bytes and statuses.
 */
const MiB = 1 << 20;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
// Half noise, half zeros: an image that compresses like a real one, small enough for CI.
const image = Buffer.concat([randomBytes(3 * MiB), Buffer.alloc(3 * MiB)]);

let sh: ToolShell;
let web: Nginx | undefined;
let xzSum: string;

beforeAll(async () => {
  sh = toolShell();
  writeFileSync(join(sh.dir, 'image.img'), image);
  execFileSync('xz', ['-0', '-T1', '-k', 'image.img'], { cwd: sh.dir });
  const xz = readFileSync(join(sh.dir, 'image.img.xz'));
  xzSum = sha256(xz);
  writeFileSync(join(sh.dir, 'truncated.img.xz'), xz.subarray(0, xz.length >> 1));
  if (!nginxSkipReason()) web = await startNginx({ root: sh.dir });
});
afterAll(async () => {
  await web?.stop();
  sh?.remove();
});

const flashSkip = loopSkipReason ?? nginxSkipReason() ?? notBuilt('dl-get', 'dl-hash', 'dl-unpack', 'dl-flash');

describe.skipIf(flashSkip)(`dl-get | dl-hash -p | dl-unpack | dl-flash${flashSkip ? ` (skipped: ${flashSkip})` : ''}`, () => {
  let loop: LoopDevice;
  beforeAll(() => {
    writeFileSync(join(sh.dir, 'drive.img'), Buffer.alloc(8 * MiB));
    loop = attachLoop(join(sh.dir, 'drive.img'));
  });
  afterAll(() => loop?.detach());
  const onDrive = (): Buffer => readFileSync(loop.file).subarray(0, image.length);
  const flagship = (file: string, sum: string): string =>
    `dl-get "${web!.url}/${file}" | dl-hash -p -q --expect sha256:${sum} | dl-unpack | dl-flash - ${loop.path} --yes --force --progress none; echo "status $? \${PIPESTATUS[*]}"`;

  it('writes the verified, decompressed image to the drive; every stage exits 0', () => {
    writeFileSync(loop.file, Buffer.alloc(8 * MiB));
    const r = sh.bash(flagship('image.img.xz', xzSum));
    expect(r.stdout).toBe('status 0 0 0 0 0\n');
    expect(onDrive().equals(image)).toBe(true);
  });

  // dl-hash holds its last chunk back until the digest matches, so after a mismatch
  // dl-unpack sees a cut stream and fails too. A failing stage also signals the dlkit
  // stage reading its stdout (SIGUSR2), so dl-flash fails rather than verify a cut image.
  it.each([
    ['a digest mismatch in dl-hash', 'image.img.xz', '0'.repeat(64), /^status 65 0 65 65 65\n$/],
    ['a truncated download, refused by dl-unpack', 'truncated.img.xz', undefined, /^status 65 0 0 65 65\n$/],
  ])('%s fails the whole pipeline (pipefail: 65)', (_what, file, sum, statuses) => {
    const r = sh.bash(flagship(file, sum ?? sha256(readFileSync(join(sh.dir, file)))));
    expect(r.stdout).toMatch(statuses);
  });

  // A pipe carries only bytes and EOF: dl-unpack, failing, tells dl-flash (SIGUSR2) before
  // it exits, so dl-flash never reads the cut stream's EOF as the image's end.
  it('dl-flash fails, claiming nothing verified, when the stage before it failed', () => {
    const r = sh.bash(`dl-unpack < truncated.img.xz | dl-flash - ${loop.path} --yes --force --progress json --progress-fd 3 3>events.ndjson; echo "status \${PIPESTATUS[*]}"`);
    expect(r.stdout).toBe('status 65 65\n');
    const events = readFileSync(join(sh.dir, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.type === 'verify' && e.ok === true)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'DL_ERR_UPSTREAM_FAILED', exitCode: 65 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'warn', code: 'DL_WARN_INCOMPLETE', id: loop.path }));
    expect(r.stderr).toMatch(/^dl-flash: input incomplete: a stage before this one in the pipeline failed \(a stage before this one failed; see its message\)$/m);
  });
});

const hashSkip = nginxSkipReason() ?? notBuilt('dl-get', 'dl-hash', 'dl-unpack');

describe.skipIf(hashSkip)(`download, verify and unpack to a file${hashSkip ? ` (skipped: ${hashSkip})` : ''}`, () => {
  it('dl-get | dl-hash -p --expect | dl-unpack > file gives the image', () => {
    const r = sh.bash(`dl-get "${web!.url}/image.img.xz" | dl-hash -p -q --expect sha256:${xzSum} | dl-unpack > out.img && sha256sum < out.img`);
    expect([r.status, r.stdout]).toEqual([0, `${sha256(image)}  -\n`]);
  });

  it('dl-get -i jobs --json feeds a second stage (batch mode)', (ctx) => {
    const help = sh.bash('dl-get --help').stdout;
    if (!help.includes('--input')) ctx.skip('dl-get has no batch mode (-i/--input) yet');
    writeFileSync(join(sh.dir, 'jobs.ndjson'), ['image.img', 'image.img.xz'].map((f) => `${JSON.stringify({ url: `${web!.url}/${f}`, output: `mirror/${f}` })}\n`).join(''));
    // One JSON object per job (then a summary object): their "output" fields feed dl-hash.
    const r = sh.bash(`dl-get -i jobs.ndjson --json --progress none | grep -o '"output":"[^"]*"' | cut -d'"' -f4 | xargs dl-hash`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${sha256(image)}  `);
    expect(r.stdout).toContain(`${xzSum}  `);
  });
});

const stargzSkip = registrySkipReason() ?? notBuilt('stargz-get', 'dl-hash');

describe.skipIf(stargzSkip)(`stargz-get | dl-hash${stargzSkip ? ` (skipped: ${stargzSkip})` : ''}`, () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry();
    await pushPlan(reg, FIXTURES);
  }, 60_000);
  afterAll(async () => reg?.stop());

  it('one file out of an image, hashed on its way', () => {
    const r = sh.bash(`stargz-get --progress none ${reg.host}/fixtures/multi:v1 etc/config.ini -o - | dl-hash`);
    expect([r.status, r.stdout]).toEqual([0, '6c75ced1d3ffc677a4a9e57e7bd697f6655cbe19eb62833053033dbdf55a3e1d  -\n']);
  });
});

const ptySkip = notBuilt('dl-hash', 'dl-unpack', 'dl-progress');

describe.skipIf(ptySkip)(`progress across a pipeline on a terminal${ptySkip ? ` (skipped: ${ptySkip})` : ''}`, () => {
  /** Runs `script` in a pty of 100 columns (script(1) from util-linux); what the terminal got. */
  const onTerminal = (cmd: string): string => {
    const r = sh.bash(`script -qfec ${JSON.stringify(`stty cols 100; ${cmd}`)} /dev/null < /dev/null`);
    expect(r.status).toBe(0);
    return r.stdout;
  };

  // Every stage has stderr on the terminal; --progress auto keeps a stage whose stdout is a pipe quiet.
  it('only the last stage draws; an intermediate stage stays quiet', () => {
    const screen = onTerminal('dl-hash -p -a md5 < image.img | dl-unpack -f > out.img');
    expect(screen).toMatch(/dl-unpack: done/);
    expect(screen).not.toMatch(/dl-hash: done/);
  });

  it('events of several stages on descriptor 3 merge into one dl-progress display', () => {
    const screen = onTerminal('{ dl-hash -p --progress json --progress-fd 3 < image.img | dl-unpack -f --progress json --progress-fd 3 > out.img; } 3>&1 | dl-progress');
    expect(screen).toContain('dl-hash: done, 6.00 MiB');
    expect(screen).toContain('dl-unpack: done, 6.00 MiB');
    // The digest dl-hash -p prints on stderr reaches the terminal as it is.
    expect(screen).toContain(`${sha256(image)}  -`);
  });

  it('dl-progress ends quietly with status 0 when its reader goes away (| head -c 10)', () => {
    const r = sh.bash('seq 200000 | dl-progress --progress none | head -c 10; echo "status ${PIPESTATUS[1]}"');
    expect([r.stdout, r.stderr]).toEqual(['1\n2\n3\n4\n5\nstatus 0\n', '']);
  });

  it('named pipes, one per stage, read as they are written', () => {
    const r = sh.bash(
      'rm -f a.ev b.ev && mkfifo a.ev b.ev && (dl-progress --progress plain a.ev b.ev 2>display.txt &) && ' +
        'dl-hash -p --progress json --progress-fd 3 3>a.ev < image.img | dl-unpack -f --progress json --progress-fd 3 3>b.ev | cmp - image.img && ' +
        'for i in $(seq 50); do grep -q "dl-unpack: done," display.txt && break; sleep 0.1; done; cat display.txt',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^dl-progress: dl-hash: done, 6\.00 MiB/m);
    expect(r.stdout).toMatch(/^dl-progress: dl-unpack: done, 6\.00 MiB/m);
  });
});
