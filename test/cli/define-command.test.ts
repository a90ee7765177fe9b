import { describe, expect, it, test } from 'vitest';
import { VERSION } from '../../src/cli/version.js';
import { run as runTest } from './fixtures/test-command.js';
import { memoryIo } from './memory-io.js';

async function run(argv: string[], env: Record<string, string> = {}) {
  const m = memoryIo({ env });
  const code = await runTest(argv, m.io);
  return { code, stdout: m.stdout(), stderr: m.stderr() };
}

const lines = (s: string): string[] => s.split('\n').filter(Boolean);

describe('argument errors', () => {
  test.each([
    [['--bogus'], /^dl-test: Unknown argument: bogus \(try 'dl-test --help'\)\n$/],
    [['--bogus-option', '--x-y=1'], /^dl-test: Unknown arguments: bogus-option, x-y \(try 'dl-test --help'\)\n$/],
    [['--retries', 'many'], /^dl-test: --retries expects a number \(try 'dl-test --help'\)\n$/],
    [['--progress', 'loud'], /^dl-test: Invalid values: Argument: progress, Given: "loud", Choices: .* \(try 'dl-test --help'\)\n$/],
    [['--retries'], /^dl-test: Not enough arguments following: retries \(try 'dl-test --help'\)\n$/],
  ])('%j → 64 and one line on stderr', async (argv, line) => {
    const r = await run(argv);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(line);
  });
});

describe('parsing', () => {
  it('gives options and positionals to the handler', async () => {
    const r = await run(['a', '-H', 'Accept: x', 'b', '--retries', '2', '-H', 'X-B: y']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ retries: 2, timeout: 30, _: ['a', 'b'], header: ['Accept: x', 'X-B: y'] });
  });

  it('answers --version without running the handler', async () => {
    const r = await run(['--mode', 'throw', '--version']);
    expect(r).toEqual({ code: 0, stdout: `dlkit ${VERSION}\n`, stderr: '' });
  });

  it('prints --help on stdout with usage, options and examples', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^dl-test \[options\] \[ARG\.\.\.\]/);
    for (const opt of ['--json', '--progress', '--progress-fd', '--quiet', '--verbose', '--config', '--version', '--retries', '--header']) {
      expect(r.stdout).toContain(opt);
    }
    expect(r.stdout).not.toContain('--completion');
    expect(r.stdout).toContain('print the settings as JSON');
  });
});

describe('failures', () => {
  it('maps a DlError to its exit code and one line with the hint', async () => {
    const r = await run(['--mode', 'throw', 'img.iso']);
    expect(r.code).toBe(65);
    expect(r.stderr).toBe('dl-test: digest mismatch for img.iso (download it again)\n');
  });

  it('ends the events with an error event, and keeps text lines out of JSON stderr', async () => {
    const r = await run(['--mode', 'throw', '--progress', 'json', 'img.iso']);
    expect(r.code).toBe(65);
    const events = lines(r.stderr).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.at(-1)).toMatchObject({
      v: 1,
      type: 'error',
      tool: 'dl-test',
      code: 'DL_ERR_INTEGRITY',
      exitCode: 65,
      message: 'digest mismatch for img.iso',
      hint: 'download it again',
    });
  });

  it('shows warnings, with the values of secret -H headers redacted wherever they appear', async () => {
    const r = await run(['--mode', 'warn', '-H', 'X-Private-Token: s3cr3t', '-H', 'Accept: text/plain']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^dl-test: warning: odd header values: \S+, text\/plain \(DL_WARN_TEST\)\n$/);
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('keeps warnings off stderr with -q', async () => {
    const r = await run(['--mode', 'warn', '-q', '-H', 'A: b']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('reports an abort of the Io signal as interrupted (130)', async () => {
    const ac = new AbortController();
    const m = memoryIo({ signal: ac.signal });
    const done = runTest(['--mode', 'wait'], m.io);
    setTimeout(() => ac.abort(), 50);
    expect(await done).toBe(130);
    expect(m.stderr()).toBe('ready\ndl-test: interrupted (run the same command again to resume)\n');
  });
});
