import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { buildCommand, type BuiltCommand } from './build-command.js';
import { bashComplete } from './completion-shell.js';
import { run } from './fixtures/test-command.js';
import { memoryIo } from './memory-io.js';

let cmd: BuiltCommand;

beforeAll(async () => {
  cmd = await buildCommand('dl-test', resolve(import.meta.dirname, 'fixtures/test-command.ts'));
});
afterAll(() => cmd?.remove());

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

/** Completes the last of `words` ('' for a new word) the way bash does. */
function bashCompleteWords(words: string[]): string[] {
  const r = bashComplete('dl-test', cmd.dir, words.join(' '));
  expect(r.stderr).toBe('complete -o bashdefault -o default -F _dl_test_completions dl-test\n');
  return r.reply;
}

describe('bash completion', () => {
  test.each([
    [['dl-test', '--ret'], ['--retries']],
    [['dl-test', '--prog'], ['--progress', '--progress-fd']],
    [['dl-test', '--progress', 'p'], ['plain']],
    [['dl-test', '--mode', ''], ['ok', 'throw', 'warn', 'wait', 'stubborn', 'spew']],
  ])('%j completes to %j', (words, expected) => {
    expect(bashCompleteWords(words).sort()).toEqual([...expected].sort());
  });

  it('does not offer an option already given', () => {
    expect(bashCompleteWords(['dl-test', '--retries', '3', '--re'])).toEqual([]);
  });
});

describe('completion entry points', () => {
  it('answers --get-yargs-completions from the same options', async () => {
    const m = memoryIo();
    expect(await run(['--get-yargs-completions', 'dl-test', '--ti'], m.io)).toBe(0);
    expect(m.stdout().split('\n')).toContain('--timeout');
  });

  it('rejects an unknown shell', async () => {
    const m = memoryIo();
    expect(await run(['--completion', 'fish'], m.io)).toBe(64);
  });

  it.skipIf(!hasZsh)('prints a zsh script that zsh parses (zsh not installed: skipped)', () => {
    const r = spawnSync('zsh', ['-n', '-c', 'source <(dl-test --completion zsh)'], { encoding: 'utf8', env: { ...process.env, PATH: `${cmd.dir}:${process.env.PATH}` } });
    expect(r.status).toBe(0);
  });

  it('prints a zsh script that asks the command for candidates with descriptions', async () => {
    const m = memoryIo();
    expect(await run(['--completion', 'zsh'], m.io)).toBe(0);
    expect(m.stdout()).toMatch(/^#compdef dl-test\n/);
    expect(m.stdout()).toContain('ZSH_NAME=zsh dl-test --get-yargs-completions');
    expect(m.stdout()).toContain('compdef _dl_test_completions dl-test');
  });
});
