import { symlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, notBuilt, toolShell, type ToolShell } from '../e2e/pipeline-tools.js';

/**
 * The ```sh blocks of README.md and docs/cookbook.md, run in order in one scratch directory as a newcomer would
 * type them: `bin/`, `man/`, `recipes/` and `test/` (fixtures) are there as in a clone, the commands are on
 * PATH as after `npm link`, each block runs under `bash -euo pipefail` and must exit 0.
 *
 * Not run: a block whose fence line is preceded by `<!-- not run: REASON -->` (hidden
 * when the README is rendered), and set-up blocks (npm install, npm test, apt-get),
 * which CI itself runs before the tests (.ci/run).
 */
interface Block {
  line: number;
  code: string;
  skip?: string;
}

const SETUP = /^(sudo )?(npm (install|ci|test)|apt-get|apt) /;

function shBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const end = lines.indexOf('```', i + 1);
    const code = lines.slice(i + 1, end).join('\n');
    const marker = /^<!-- not run: (.+) -->$/.exec(lines[i - 1] ?? '') ?? /^<!-- not run: (.+) -->$/.exec(lines[i - 2] ?? '');
    const skip = marker?.[1] ?? (SETUP.test(`${code.trimStart()} `) ? 'a set-up step; CI runs it before the tests (.ci/run)' : undefined);
    blocks.push({ line: i + 1, code, skip });
    i = end;
  }
  return blocks;
}

// Each document runs once the commands it uses are built.
const docs = [
  ['README.md', notBuilt('dl-hash', 'dl-get', 'dl-unpack', 'dl-flash', 'dl-bench', 'stargz-ls', 'stargz-get', 'dl-progress')],
  ['docs/cookbook.md', notBuilt('dl-hash', 'dl-unpack', 'dl-progress')],
] as const;

describe.each(docs)('%s examples', (doc, skip) => {
  const blocks = shBlocks(readFileSync(join(REPO, doc), 'utf8'));
  let sh: ToolShell;
  beforeAll(() => {
    if (skip !== undefined) return;
    sh = toolShell();
    for (const d of ['bin', 'man', 'recipes', 'test']) symlinkSync(join(REPO, d), join(sh.dir, d));
  });
  afterAll(() => sh?.remove());

  it.skipIf(skip)(`has runnable blocks${skip ? ` (skipped: ${skip})` : ''}`, () => {
    expect(blocks.filter((b) => b.skip === undefined).length).toBeGreaterThan(0);
  });

  // In order, sharing the directory: a later block may use the files of an earlier one.
  it.for(blocks.map((b) => [`line ${b.line}${b.skip ? ` (not run: ${b.skip})` : ''}`, b] as const))('block at %s', ([, block], ctx) => {
    if (skip !== undefined) return ctx.skip(skip);
    if (block.skip !== undefined) return ctx.skip(block.skip);
    const r = sh.bash(`set -eu\n${block.code}`);
    expect(r.status, `${block.code}\n--- stderr:\n${r.stderr}`).toBe(0);
  });
});
