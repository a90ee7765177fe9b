import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, type BuiltCommand } from '../cli/build-command.js';
import { assertValidEvents } from '../helpers/validate-events.js';

/** The dl-bench executable, built from src like tsup builds it, in real shells. */
const REPO = resolve(import.meta.dirname, '../..');
let cmd: BuiltCommand;
let dir: string;

beforeAll(async () => {
  cmd = await buildCommand('dl-bench', join(REPO, 'src', 'commands', 'dl-bench.ts'));
  dir = mkdtempSync(join(tmpdir(), 'dl-bench-e2e-'));
}, 60_000);
afterAll(async () => {
  await cmd?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const bash = (script: string) =>
  spawnSync('bash', ['-c', `set -o pipefail\n${script}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${cmd.dir}:${process.env.PATH}` } });

describe('dl-bench in a shell', () => {
  it('ends quietly with status 0 when the reader of its report goes away (| head -c 10)', () => {
    const r = bash('dl-bench --size 1M --progress none f.img | head -c 10');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toHaveLength(10);
  });

  it('writes the JSON result to stdout and valid events to --progress-fd', () => {
    const r = bash('dl-bench --size 2M --json --progress json --progress-fd 3 g.img 3>events.ndjson && cat events.ndjson >&2');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'throughput', passes: [{ bytes: 2 << 20 }] });
    const types = (assertValidEvents(r.stderr) as { type: string }[]).map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('end');
  });

  it('exits 64 with one line naming the problem for a bad option', () => {
    const r = bash('dl-bench --pattern ones f.img');
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/^dl-bench: .*pattern/m);
  });
});
