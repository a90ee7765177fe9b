import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, type BuiltCommand } from '../cli/build-command.js';
import { assertValidEvents } from '../helpers/validate-events.js';
import { FIXTURES } from '../lib/stargz/fixtures.js';
import { pushPlan, registrySkipReason, startRegistry, type Registry } from '../servers/registry.js';

/** stargz-ls and stargz-get built from src like tsup builds them, in real shells, against the real registry. */
const REPO = resolve(import.meta.dirname, '../..');
const skip = registrySkipReason();
let ls: BuiltCommand;
let get: BuiltCommand;
let reg: Registry;
let dir: string;

describe.skipIf(skip)(`stargz commands in a shell${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    [ls, get] = await Promise.all([
      buildCommand('stargz-ls', join(REPO, 'src', 'commands', 'stargz-ls.ts')),
      buildCommand('stargz-get', join(REPO, 'src', 'commands', 'stargz-get.ts')),
    ]);
    reg = await startRegistry();
    await pushPlan(reg, FIXTURES);
    dir = mkdtempSync(join(tmpdir(), 'stargz-e2e-'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([ls?.remove(), get?.remove(), reg?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const bash = (script: string) =>
    spawnSync('bash', ['-c', `set -o pipefail\n${script}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir, PATH: `${ls.dir}:${get.dir}:${process.env.PATH}` } });

  it.each([
    ['stargz-get', 'data/compressible-3MiB.txt -o -'],
    ['stargz-ls', '-lR'],
  ])('%s ends quietly with status 0 when its reader goes away (| head -c 10)', (tool, rest) => {
    const r = bash(`${tool} --progress none ${reg.host}/fixtures/multi:v1 ${rest} | head -c 10`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toHaveLength(10);
  });

  it('stargz-get -o DIR writes verified files and valid events to --progress-fd', () => {
    const r = bash(`stargz-get --progress json --progress-fd 3 ${reg.host}/fixtures/multi:v1 'etc/**' links -o out 3>events.ndjson && cat events.ndjson >&2 && sha256sum out/etc/config.ini && readlink out/links/hello-symlink && stat -c %a out/etc`);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('6c75ced1d3ffc677a4a9e57e7bd697f6655cbe19eb62833053033dbdf55a3e1d  out/etc/config.ini\n../hello.txt\n700\n');
    const types = (assertValidEvents(r.stderr) as { type: string }[]).map((e) => e.type);
    expect(types).toContain('verify');
    expect(types.at(-1)).toBe('end');
  });
});
