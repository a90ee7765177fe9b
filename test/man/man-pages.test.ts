import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { describe, expect, it, test } from 'vitest';
import { commands } from '../../tsup.config.js';
import { commonOptions, withExpect, withHeader, withOutput, withResume, withRetries, withTimeout, withYes } from '../../src/cli/common-options.js';
import type { CommandRun } from '../../src/cli/io.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { EVENT_FIELDS } from '../../src/lib/events/event-fields.js';
import { memoryIo } from '../cli/memory-io.js';

const REPO = resolve(import.meta.dirname, '../..');
const md = (page: string): string => readFileSync(join(REPO, 'man', 'src', `${page}.md`), 'utf8');
const sources = readdirSync(join(REPO, 'man', 'src')).filter((f) => /\.\d\.md$/.test(f));
const pages = sources.map((f) => f.slice(0, -'.md'.length));
const has = (cmd: string): boolean => spawnSync(cmd, ['--version']).status === 0;

/** The long options a --help text lists, e.g. ['--json', '--algorithm']. */
const helpOptions = (help: string): string[] =>
  [...help.matchAll(/^ {2}(?:-\w, )? *(--[\w-]+)/gm)].map((m) => m[1]!);

describe.each(commands.map((c) => [c]))('%s(1)', (tool) => {
  it('has a page, and the page names every option --help lists', async () => {
    expect(sources).toContain(`${tool}.1.md`);
    const { run } = (await import(`../../src/commands/${tool}.ts`)) as { run: CommandRun };
    const m = memoryIo();
    expect(await run(['--help'], m.io)).toBe(0);
    const options = helpOptions(m.stdout());
    expect(options).toContain('--help');
    const page = md(`${tool}.1`);
    expect(options.filter((o) => !page.includes(o))).toEqual([]);
  });
});

describe('dlkit(7)', () => {
  const page = md('dlkit.7');

  it('has the exit-code table of src/cli/exit-codes.ts, row for row', () => {
    const rows = [...page.matchAll(/^\| (\d+) \| (\w+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), name: m[2], meaning: m[3] }));
    expect(rows).toEqual(EXIT_CODES.map((r) => ({ ...r })));
  });

  it('documents every event type and each of its fields', () => {
    for (const [type, fields] of Object.entries(EVENT_FIELDS)) {
      const item = new RegExp(`^\\* \`${type}\`:\\n(.*)$`, 'm').exec(page);
      expect(item, type).not.toBeNull();
      for (const field of Object.keys(fields)) expect(item![1], `${type}.${field}`).toContain(`\`${field}\``);
    }
  });

  it('documents every common and shared option', () => {
    const all = withYes(withResume(withExpect(withTimeout(withRetries(withHeader(withOutput(commonOptions(yargs()))))))));
    const keys = Object.keys((all as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
    const long = keys.filter((k) => k.length > 1).map((k) => `\`--${k}\``);
    expect(long.length).toBeGreaterThan(10);
    expect(long.filter((o) => !page.includes(o))).toEqual([]);
    expect(page).toContain('`--no-resume`');
  });
});

describe('generated pages', () => {
  it('are not stale: rebuilding from man/src gives the committed bytes', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build-man.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('are all in package.json "man"', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { man: string[] };
    expect([...pkg.man].sort()).toEqual(pages.map((p) => `man/${p}`).sort());
  });

  test.skipIf(!has('man'))('render with man at 80 columns without warnings (man not installed: skipped)', () => {
    for (const page of pages) {
      const file = join(REPO, 'man', page);
      expect(existsSync(file), file).toBe(true);
      const r = spawnSync('man', ['--warnings', '-l', file], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '' } });
      expect(r.stderr, page).toBe('');
      expect(r.stdout, page).toMatch(/^NAME$/m);
    }
  });

  test.skipIf(!has('groff'))('pass groff -ww without warnings (groff not installed: skipped)', () => {
    for (const page of pages) {
      const r = spawnSync('groff', ['-t', '-ww', '-z', '-man', join(REPO, 'man', page)], { encoding: 'utf8' });
      expect(r.stderr, page).toBe('');
      expect(r.status, page).toBe(0);
    }
  });
});
