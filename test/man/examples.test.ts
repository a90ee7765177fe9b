import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachLoop, loopSkipReason, makeImage, type LoopDevice } from '../helpers/loop-device.js';
import { nginxSkipReason, startNginx, type Nginx } from '../servers/nginx.js';
import { pushPlan, registrySkipReason, startRegistry, type Registry } from '../servers/registry.js';
import { REPO, notBuilt, toolShell, type ToolShell } from '../e2e/pipeline-tools.js';

/**
 * Runs the EXAMPLES of the command pages (man/src/<tool>.1.md). Each indented code block
 * of the section is one example, run by `bash -euo pipefail` in a scratch directory
 * shared by the page's examples, in order, with the built commands on PATH, and must exit 0.
 *
 * What an example may use: the files `image.img` (6 MiB, its last 3 MiB zeros and sparse),
 * `image.img.xz`, `hello.txt`, `layer.blob` (an eStargz layer), and `src-1.2.tar.gz`,
 * `bundle.zip`, `bundle.tar.xz` (README and docs/guide.txt, the tarball under src-1.2/) in
 * its directory; `$URL`, the URL of image.img.xz on a local nginx, and `$SUM`, its SHA-256;
 * a `~/Downloads` directory. Stand-ins, so that pages show what a user types:
 *
 * - `https://host/` is that nginx (plain http) serving those files, and `get?id=42` sends
 *   hello.txt named `greeting.txt` by its Content-Disposition.
 * - `localhost:5000` is a local registry holding `app:1`, an image index (linux/amd64
 *   and linux/arm64) of the eStargz fixtures (test/fixtures/estargz).
 * - `/dev/sdb` and `/dev/sdc` are 16 MiB loop devices; as loop devices are not removable,
 *   dl-flash and dl-bench get `--force` in such an example. No other /dev/sd* may appear.
 *
 * An example whose stand-in or tool (jq, bmaptool) is missing here is reported not run.
 * Anything else (a real drive, a remote registry, credentials) cannot run here: the page
 * marks the block with a line, invisible in the rendered page, before it:
 *
 *     [//]: # (example: not run: REASON)
 *
 * A page opts in with at least one `[//]: # (example: ...)` line (`[//]: # (example: run)`
 * when all of its examples run); pages that have not are reported as skipped, one test each.
 */
interface Example {
  code: string;
  skip?: string;
}

const MARK = /^\[\/\/\]: # \(example: (.+)\)$/;

function examplesOf(markdown: string): { optedIn: boolean; examples: Example[] } {
  const lines = (/^## EXAMPLES\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1] ?? '').split('\n');
  const examples: Example[] = [];
  let optedIn = false;
  let pending: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const mark = MARK.exec(lines[i]!);
    if (mark) {
      optedIn = true;
      pending = mark[1]!.startsWith('not run: ') ? mark[1]!.slice('not run: '.length) : undefined;
      continue;
    }
    if (!lines[i]!.startsWith('    ')) continue;
    const code: string[] = [];
    for (; i < lines.length && (lines[i]!.startsWith('    ') || lines[i] === ''); i++) code.push(lines[i]!.slice(4));
    i--; // the line that ended the block may be the next one's mark
    examples.push({ code: code.join('\n').trim(), skip: pending });
    pending = undefined;
  }
  return { optedIn, examples };
}

const installed = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const TOOLS = ['jq', 'bmaptool'].map((t) => [t, installed(t)] as const);
const DRIVES = ['/dev/sdb', '/dev/sdc'];
const regSkip = registrySkipReason();
const FIXTURES = join(REPO, 'test', 'fixtures', 'estargz');

interface StandIns {
  web: string;
  registry?: string;
  loops: LoopDevice[];
}

/** The example as run here (stand-ins put in), or why it cannot run here. */
function withStandIns(code: string, s: StandIns): Example {
  const tool = TOOLS.find(([t, ok]) => !ok && new RegExp(`\\b${t}\\b`).test(code));
  if (tool) return { code, skip: `${tool[0]} is not installed` };
  let run = code;
  run = run.replaceAll('https://host/', `${s.web}/`);
  if (run.includes('localhost:5000/')) {
    if (!s.registry) return { code, skip: `no local registry: ${regSkip ?? 'not started'}` };
    run = run.replaceAll('localhost:5000/', `${s.registry}/`);
  }
  if (/\/dev\/sd/.test(run)) {
    if (s.loops.length < DRIVES.length) return { code, skip: `no loop devices: ${loopSkipReason ?? 'not attached'}` };
    DRIVES.forEach((d, i) => (run = run.replace(new RegExp(`${d}\\b`, 'g'), s.loops[i]!.path)));
    // Never let an example reach a real drive.
    if (/\/dev\/sd/.test(run)) throw new Error(`an example names a drive other than ${DRIVES.join(', ')}:\n${code}`);
    run = run.replace(/\b(dl-flash|dl-bench) /g, '$1 --force ');
  }
  return { code: run };
}

const SERVED = ['image.img.xz', 'hello.txt', 'layer.blob', 'src-1.2.tar.gz', 'bundle.zip', 'bundle.tar.xz'];

/** The files of SERVED into `www` (image.img.xz made by the caller). */
function makeFiles(www: string): void {
  writeFileSync(join(www, 'hello.txt'), 'hello\n');
  copyFileSync(join(FIXTURES, 'blobs', 'l2.blob'), join(www, 'layer.blob'));
  const src = join(www, '..', 'src-1.2');
  mkdirSync(join(src, 'docs'), { recursive: true });
  writeFileSync(join(src, 'README'), 'src 1.2\n');
  writeFileSync(join(src, 'docs', 'guide.txt'), 'how to build\n');
  execFileSync('tar', ['czf', join(www, 'src-1.2.tar.gz'), 'src-1.2'], { cwd: join(src, '..') });
  execFileSync('tar', ['cJf', join(www, 'bundle.tar.xz'), 'README', 'docs'], { cwd: src });
  execFileSync('zip', ['-qr', join(www, 'bundle.zip'), 'README', 'docs'], { cwd: src });
}

/** The multi-platform fixture image pushed as app:1 (push-plan.json's fixtures/multiarch steps, renamed). */
async function pushApp(reg: Registry, scratch: string): Promise<void> {
  const plan = JSON.parse(readFileSync(join(FIXTURES, 'images', 'push-plan.json'), 'utf8')) as { steps: { repo: string; ref?: string }[] };
  const steps = plan.steps.filter((s) => s.repo === 'fixtures/multiarch').map((s) => ({ ...s, repo: 'app', ...(s.ref === 'v1' ? { ref: '1' } : {}) }));
  const fx = join(scratch, 'app-fixtures');
  mkdirSync(join(fx, 'images'), { recursive: true });
  symlinkSync(join(FIXTURES, 'blobs'), join(fx, 'blobs'));
  for (const image of ['arm64', 'multiarch-amd64', 'multiarch']) symlinkSync(join(FIXTURES, 'images', image), join(fx, 'images', image));
  writeFileSync(join(fx, 'images', 'push-plan.json'), JSON.stringify({ steps }));
  await pushPlan(reg, fx);
}

const pages = readdirSync(join(REPO, 'man', 'src')).filter((f) => f.endsWith('.1.md')).map((f) => f.slice(0, -'.1.md'.length));
const skip = nginxSkipReason() ?? notBuilt('dl-get', 'dl-hash', 'dl-progress');

describe.skipIf(skip)(`man page EXAMPLES${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let web: Nginx;
  let reg: Registry | undefined;
  let sh: ToolShell;
  let env: Record<string, string>;
  const standIns: StandIns = { web: '', loops: [] };
  beforeAll(async () => {
    sh = toolShell();
    const www = join(sh.dir, '..', 'www');
    mkdirSync(www);
    writeFileSync(join(www, 'image.img'), Buffer.concat([randomBytes(3 << 20), Buffer.alloc(3 << 20)]));
    execFileSync('xz', ['-0', '-T1', 'image.img'], { cwd: www });
    makeFiles(www);
    mkdirSync(join(sh.dir, 'Downloads'));
    const get = `location = /get { alias ${join(www, 'hello.txt')}; add_header Content-Disposition 'attachment; filename="greeting.txt"'; }`;
    web = await startNginx({ root: www, extraConfig: get });
    standIns.web = web.url;
    env = { URL: `${web.url}/image.img.xz`, SUM: createHash('sha256').update(readFileSync(join(www, 'image.img.xz'))).digest('hex') };
    if (!regSkip) {
      reg = await startRegistry();
      await pushApp(reg, join(sh.dir, '..'));
      standIns.registry = reg.host;
    }
    if (!loopSkipReason) for (const d of DRIVES) standIns.loops.push(attachLoop(makeImage(join(sh.dir, '..', `${d.slice(5)}.img`), 16 << 20)));
  });
  afterAll(async () => {
    for (const l of standIns.loops) l.detach();
    await Promise.all([web?.stop(), reg?.stop()]);
    sh?.remove();
  });

  describe.each(pages.map((p) => [p]))('%s(1)', (page) => {
    const { optedIn, examples } = examplesOf(readFileSync(join(REPO, 'man', 'src', `${page}.1.md`), 'utf8'));
    const dir = `ex-${page}`;
    it.skipIf(!optedIn)(`runs its examples${optedIn ? '' : ' (skipped: the page marks no example yet, see test/man/examples.test.ts)'}`, (ctx) => {
      const all = examples.map((e) => (e.skip === undefined ? { ...withStandIns(e.code, standIns), shown: e.code } : { ...e, shown: e.code }));
      const notRun = all.filter((e) => e.skip !== undefined).map((e) => `${e.shown.split('\n')[0]}: ${e.skip}`);
      sh.bash(`rm -rf ${dir} && mkdir ${dir} && cd ${dir} && cp ${SERVED.map((f) => `../../www/${f}`).join(' ')} . && xz -dk image.img.xz`);
      for (const e of all.filter((x) => x.skip === undefined)) {
        const r = sh.bash(`set -eu\ncd ${dir}\n${e.code}`, env);
        expect(r.status, `${page}(1) example:\n${e.code}\n--- stderr:\n${r.stderr}`).toBe(0);
      }
      if (notRun.length > 0) ctx.annotate(`not run:\n${notRun.join('\n')}`);
    });
  });
});
