import { describe, expect, it } from 'vitest';
import { withOutput, withRetries } from '../../src/cli/common-options.js';
import { defineCommand } from '../../src/cli/define-command.js';
import { memoryIo } from './memory-io.js';

/** A command whose completion hook says what it was given, or fails on 'boom'. */
const { run } = defineCommand({
  name: 'dl-pos',
  summary: 'Exercise the positional completion hook.',
  usage: '$0 [options] FIRST [WORD...]',
  examples: [],
  stdoutIsData: false,
  builder: (y) => withOutput(withRetries(y)).option('flag', { alias: 'f', type: 'boolean', default: false, describe: 'a switch' }),
  handler: () => Promise.resolve(0),
  complete: (current, args) => {
    if (current === 'boom') return Promise.reject(new Error('registry unreachable'));
    return Promise.resolve([`[${args._.join(',')}] ${current}`, `retries=${String(args.retries)}`]);
  },
});

async function complete(words: string[], env: Record<string, string> = {}) {
  const m = memoryIo({ env });
  const code = await run(['--get-yargs-completions', 'dl-pos', ...words], m.io);
  return { code, lines: m.stdout().split('\n').filter(Boolean), stderr: m.stderr() };
}

describe('the complete hook of a command', () => {
  it.each([
    [['a', 'b', 'c'], ['[a,b] c', 'retries=5']],
    [['--flag', 'a', ''], ['[a] ', 'retries=5']],
    [['-f', 'a', 'b'], ['[a] b', 'retries=5']],
    [['--retries', '3', 'x'], ['[] x', 'retries=3']],
    [['a', '--output', 'out', 'b'], ['[a] b', 'retries=5']],
  ])('answers for a positional: %j gives %j', async (words, expected) => {
    expect((await complete(words)).lines).toEqual(expected);
  });

  it('leaves an option value to yargs', async () => {
    expect((await complete(['a', '-o', 'ou'])).lines).toEqual([]);
    expect((await complete(['a', '--retries', ''])).lines).not.toContain('retries=5');
  });

  it('leaves options to yargs (the shell filters them)', async () => {
    const { lines } = await complete(['a', '--re']);
    expect(lines).toContain('--retries');
    expect(lines.filter((l) => !l.startsWith('-'))).toEqual([]);
  });

  it('is silent when the hook fails', async () => {
    expect(await complete(['a', 'boom'])).toEqual({ code: 0, lines: [], stderr: '' });
  });

  it("escapes ':' for zsh, as yargs does for its own values", async () => {
    expect((await complete(['host:5000/repo:tag', 'c'], { ZSH_NAME: 'zsh' })).lines[0]).toBe('[host\\:5000/repo\\:tag] c');
  });
});
