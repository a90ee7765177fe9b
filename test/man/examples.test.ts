import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxSkipReason, startNginx, type Nginx } from '../servers/nginx.js';
import { REPO, notBuilt, toolShell, type ToolShell } from '../e2e/pipeline-tools.js';

/**
 * Runs the EXAMPLES of the command pages (man/src/<tool>.1.md). Each indented code block
 * of the section is one example, run by `bash -euo pipefail` in a scratch directory
 * shared by the page's examples, in order, with the built commands on PATH, and must exit 0.
 *
 * What an example may use: the files `image.img` (6 MiB), `image.img.xz` and `hello.txt`
 * in its directory; `$URL`, the URL of image.img.xz on a local nginx, and `$SUM`, its
 * SHA-256. Anything else (a real drive, a remote registry, credentials) cannot run here:
 * the page marks the block with a line, invisible in the rendered page, before it:
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
    examples.push({ code: code.join('\n').trim(), skip: pending });
    pending = undefined;
  }
  return { optedIn, examples };
}

const pages = readdirSync(join(REPO, 'man', 'src')).filter((f) => f.endsWith('.1.md')).map((f) => f.slice(0, -'.1.md'.length));
const skip = nginxSkipReason() ?? notBuilt('dl-get', 'dl-hash', 'dl-progress');

describe.skipIf(skip)(`man page EXAMPLES${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let web: Nginx;
  let sh: ToolShell;
  let env: Record<string, string>;
  beforeAll(async () => {
    sh = toolShell();
    const www = join(sh.dir, '..', 'www');
    mkdirSync(www);
    writeFileSync(join(www, 'image.img'), Buffer.concat([randomBytes(3 << 20), Buffer.alloc(3 << 20)]));
    execFileSync('xz', ['-0', '-T1', 'image.img'], { cwd: www });
    web = await startNginx({ root: www });
    env = { URL: `${web.url}/image.img.xz`, SUM: createHash('sha256').update(readFileSync(join(www, 'image.img.xz'))).digest('hex') };
  });
  afterAll(async () => {
    await web?.stop();
    sh?.remove();
  });

  describe.each(pages.map((p) => [p]))('%s(1)', (page) => {
    const { optedIn, examples } = examplesOf(readFileSync(join(REPO, 'man', 'src', `${page}.1.md`), 'utf8'));
    const dir = `ex-${page}`;
    it.skipIf(!optedIn)(`runs its examples${optedIn ? '' : ' (skipped: the page marks no example yet, see test/man/examples.test.ts)'}`, (ctx) => {
      const notRun = examples.filter((e) => e.skip !== undefined).map((e) => `${e.code.split('\n')[0]}: ${e.skip}`);
      sh.bash(`rm -rf ${dir} && mkdir ${dir} && cd ${dir} && cp ../../www/image.img.xz . && xz -dk image.img.xz && printf 'hello\\n' > hello.txt`);
      for (const e of examples.filter((x) => x.skip === undefined)) {
        const r = sh.bash(`set -eu\ncd ${dir}\n${e.code}`, env);
        expect(r.status, `${page}(1) example:\n${e.code}\n--- stderr:\n${r.stderr}`).toBe(0);
      }
      if (notRun.length > 0) ctx.annotate(`not run:\n${notRun.join('\n')}`);
    });
  });
});
