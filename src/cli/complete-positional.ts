import type { Argv } from 'yargs';
import { Parser } from 'yargs/helpers';
import type { CommandSpec, PositionalArgs } from './define-command.js';
import type { Io } from './io.js';

type ParserOptions = Parameters<typeof Parser>[1];

/**
 * Candidates from the command's `complete` hook when the word being completed is a
 * positional, else undefined (yargs answers: options, their choices). `words` are what
 * the shell passes after --get-yargs-completions: the tool's name, the words before the
 * cursor, the current word. Any failure of the hook means no candidates: completion
 * must stay silent.
 */
export async function completePositional<A>(spec: CommandSpec<A>, y: Argv<A>, words: string[], io: Io): Promise<string[] | undefined> {
  if (!spec.complete || words.length < 2) return undefined;
  const current = words[words.length - 1]!;
  if (current.startsWith('-')) return undefined;
  const before = words.slice(1, -1);
  // Lenient parse (no validation, as the line is half typed) with yargs's own settings,
  // so booleans, option values and config defaults are read as a real run reads them.
  const options = (y as unknown as { getOptions(): ParserOptions }).getOptions();
  const args = Parser(before, options);
  // A positional is what yargs would add to `_`; a value of the option before it is not.
  if (Parser([...before, current || 'x'], options)._.length === args._.length) return undefined;
  const positional = { ...args, _: args._.map(String) } as PositionalArgs<A>;
  const found = await spec.complete(current, positional, io).catch(() => []);
  return isZsh(io.env) ? found.map((w) => w.replace(/:/g, '\\:')) : found;
}

// As yargs decides, so that its answers and the hook's are escaped alike: zsh's
// _describe reads "value:description", so a ':' in a value is escaped.
const isZsh = (env: Io['env']): boolean => Boolean(env.SHELL?.includes('zsh') || env.ZSH_NAME?.includes('zsh'));
