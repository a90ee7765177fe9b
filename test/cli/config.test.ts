import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { run as runTest } from './fixtures/test-command.js';
import { memoryIo } from './memory-io.js';

let root: string;
let xdg: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dlkit-config-'));
  xdg = join(root, 'xdg');
  await mkdir(join(xdg, 'dlkit'), { recursive: true });
  await writeFile(
    join(xdg, 'dlkit', 'config.toml'),
    ['retries = 7', 'timeout = 11', 'progress = "plain"', '', '[dl-test]', 'timeout = 12', '', '[dl-get]', 'retries = 99', ''].join('\n'),
  );
  await writeFile(join(root, 'other.toml'), 'retries = 3\n');
  await writeFile(join(root, 'bad.toml'), 'retries = 1\ntimeout = \n');
  await writeFile(join(root, 'wrong-type.toml'), 'retries = "many"\n');
  await writeFile(join(root, 'wrong-choice.toml'), 'progress = "loud"\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function settings(argv: string[], env: Record<string, string>) {
  const m = memoryIo({ env: { XDG_CONFIG_HOME: xdg, ...env }, cwd: root });
  const code = await runTest(['--mode', 'ok', ...argv], m.io);
  return { code, stderr: m.stderr(), got: code === 0 ? (JSON.parse(m.stdout()) as Record<string, unknown>) : {} };
}

describe('precedence: flags > DL_* > config.toml ([tool] over top level) > defaults', () => {
  test.each([
    // argv, env, expected retries, timeout, progress
    [[], {}, 7, 12, 'plain'],
    [[], { DL_RETRIES: '4' }, 4, 12, 'plain'],
    [['--retries', '2'], { DL_RETRIES: '4' }, 2, 12, 'plain'],
    [['--timeout', '1.5'], { DL_TIMEOUT: '9' }, 7, 1.5, 'plain'],
    [[], { DL_TIMEOUT: '9', DL_PROGRESS: 'none' }, 7, 9, 'none'],
    [['--progress', 'json'], { DL_PROGRESS: 'none' }, 7, 12, 'json'],
    [[], { DL_RETRIES: '' }, 7, 12, 'plain'],
    [['--config', 'other.toml'], {}, 3, 30, 'auto'],
    [['--config=other.toml'], { DL_RETRIES: '0' }, 0, 30, 'auto'],
    [[], { XDG_CONFIG_HOME: '/nonexistent' }, 5, 30, 'auto'],
  ])('%j with %j → retries %d, timeout %d, progress %s', async (argv, env, retries, timeout, progress) => {
    const r = await settings(argv, env);
    expect(r.stderr).toBe('');
    expect(r.got).toMatchObject({ retries, timeout, progress });
  });

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset or relative', async () => {
    await mkdir(join(root, 'home', '.config', 'dlkit'), { recursive: true });
    await writeFile(join(root, 'home', '.config', 'dlkit', 'config.toml'), 'retries = 1\n');
    for (const XDG_CONFIG_HOME of ['', 'relative/dir']) {
      const r = await settings([], { HOME: join(root, 'home'), XDG_CONFIG_HOME });
      expect(r.got).toMatchObject({ retries: 1 });
    }
  });

  it('hands the merged file values to the handler, other tools\u2019 tables left out', async () => {
    const r = await settings([], {});
    expect(r.got.config).toEqual({ path: join(xdg, 'dlkit', 'config.toml'), values: { retries: 7, timeout: 12, progress: 'plain' } });
  });
});

describe('bad settings are usage errors that name their source', () => {
  test.each([
    [['--config', 'bad.toml'], {}, 64, /^dl-test: \S+bad\.toml:2:\d+: invalid TOML: invalid value \(fix the file, or pass --config FILE\)\n$/],
    [['--config', 'wrong-type.toml'], {}, 64, /^dl-test: \S+wrong-type\.toml: retries is not a number \(fix the setting or unset it\)\n$/],
    [['--config', 'wrong-choice.toml'], {}, 64, /^dl-test: \S+wrong-choice\.toml: progress is not one of auto, tty, plain, json, none /],
    [[], { DL_RETRIES: 'lots' }, 64, /^dl-test: DL_RETRIES=lots is not a number \(fix the setting or unset it\)\n$/],
    [[], { DL_PROGRESS: 'loud' }, 64, /^dl-test: DL_PROGRESS=loud is not one of /],
    [['--config', 'missing.toml'], {}, 66, /^dl-test: cannot read config \S+missing\.toml: .*no such file.* \(check the --config path\)\n$/],
  ])('%j %j → %d', async (argv, env, code, line) => {
    const r = await settings(argv, env);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(line);
  });

  it('checks every layer: a bad DL_* fails even under a flag that overrides it', async () => {
    const r = await settings(['--retries', '1'], { DL_RETRIES: 'lots' });
    expect(r.code).toBe(64);
  });
});
