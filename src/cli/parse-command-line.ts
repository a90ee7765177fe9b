import yargs, { type Argv } from 'yargs';
import { isDlError, usageError } from '../lib/errors/dl-error.js';
import { CONFIGURABLE_KEYS, commonOptions } from './common-options.js';
import { completePositional } from './complete-positional.js';
import { completionScript } from './completion-script.js';
import { findConfigPath, loadConfig, resolveSettings, type ConfigFile, type OptionTypes } from './config.js';
import type { CommandArgs, CommandSpec } from './define-command.js';
import type { Io } from './io.js';
import { writeText } from './write-text.js';

export type Parsed<A> = { kind: 'done' } | { kind: 'run'; args: CommandArgs<A>; config: ConfigFile };

/** The parts of yargs's getOptions() used here (missing from @types/yargs). */
interface YargsOptions extends OptionTypes {
  key: Record<string, unknown>;
}

/** Config, then yargs; --help, --completion and completion requests end here ('done'). */
export async function parseCommandLine<A>(spec: CommandSpec<A>, argv: string[], io: Io): Promise<Parsed<A>> {
  const where = findConfigPath(argv, io.env, io.cwd);
  const config = await loadConfig(spec.name, where.path, where.explicit);
  const y = spec.builder(commonOptions(baseParser(yargs(), spec, io)));
  const options = (y as unknown as { getOptions(): YargsOptions }).getOptions();
  const keys = [...CONFIGURABLE_KEYS, ...(spec.configKeys ?? [])].filter((k) => k in options.key);
  y.config(resolveSettings(keys, config, io.env, options));

  if (argv[0] === '--get-yargs-completions') {
    const words = (await completePositional(spec, y, argv.slice(1), io)) ?? (await y.getCompletion(argv.slice(1)));
    await writeText(io.stdout, words.map((w) => `${w}\n`).join(''));
    return { kind: 'done' };
  }
  const { args, help } = await parseWith(y, argv).catch((err: unknown) => {
    throw isDlError(err) ? err : usageError(String((err as Error).message ?? err), tryHelpHint(spec.name));
  });
  if (help) {
    await writeText(io.stdout, `${help}\n`);
    return { kind: 'done' };
  }
  const parsed = args as CommandArgs<A>;
  if (parsed.completion) {
    await writeText(io.stdout, completionScript(spec.name, parsed.completion));
    return { kind: 'done' };
  }
  for (const key of options.number) {
    if (Number.isNaN(parsed[key])) throw usageError(`--${key} expects a number`, tryHelpHint(spec.name));
  }
  return { kind: 'run', args: parsed, config };
}

function baseParser(y: Argv, spec: Pick<CommandSpec<unknown>, 'name' | 'usage' | 'summary' | 'examples'>, io: Io): Argv {
  const tryHelp = tryHelpHint(spec.name);
  return y
    .scriptName(spec.name)
    .usage(`${spec.usage}\n\n${spec.summary}`)
    .locale('en')
    .strictOptions()
    .exitProcess(false)
    .version(false)
    .help('help')
    .alias('help', 'h')
    .wrap(Math.min(100, io.columns ?? 80))
    .epilogue(`${examplesText(spec.examples)}Exit status, environment and config: dlkit(7). Manual: ${spec.name}(1).`)
    .fail((msg, err) => {
      throw usageError(onceEach(msg ?? err?.message ?? 'invalid arguments'), tryHelp);
    });
}

// Command over meaning, not yargs's two columns, which break long pipelines mid-command.
const examplesText = (examples: readonly [string, string][]): string =>
  examples.length === 0 ? '' : `Examples:\n${examples.map(([cmd, meaning]) => `  ${cmd}\n      ${meaning}\n`).join('')}\n`;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** yargs names an unknown --foo-bar twice ("foo-bar, fooBar"): say it once. */
function onceEach(message: string): string {
  const m = /^Unknown arguments?: (.*)$/s.exec(message);
  if (!m) return message;
  const names = m[1]!.split(', ');
  const kept = names.filter((n) => kebab(n) === n || !names.includes(kebab(n)));
  return `Unknown argument${kept.length > 1 ? 's' : ''}: ${kept.join(', ')}`;
}

const tryHelpHint = (tool: string): string => `try '${tool} --help'`;

/** Parses with a callback, which makes yargs hand over --help text instead of printing it. */
function parseWith<T>(y: Argv<T>, argv: string[]): Promise<{ args: unknown; help: string }> {
  return new Promise((resolve, reject) => {
    try {
      void y.parse(argv, {}, (err, args, output) => (err ? reject(err) : resolve({ args, help: output })));
    } catch (err) {
      reject(err);
    }
  });
}
