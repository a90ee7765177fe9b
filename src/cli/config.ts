import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DlError, ExitCode, usageError } from '../lib/errors/dl-error.js';
import { xdgDir } from '../lib/fs/xdg-dir.js';

type Env = Record<string, string | undefined>;

/** The settings file of one tool: top-level keys, overridden by its `[tool]` table. */
export interface ConfigFile {
  /** The file read, or that would be read; undefined when no home is known. */
  path: string | undefined;
  values: Record<string, unknown>;
}

/** The option types yargs knows, as `Argv.getOptions()` lists them. */
export interface OptionTypes {
  number: string[];
  boolean: string[];
  choices: Record<string, readonly unknown[] | undefined>;
}

/** `--config FILE` (found before yargs runs: the file feeds yargs), else the XDG path. */
export function findConfigPath(argv: readonly string[], env: Env, cwd: string): { path: string | undefined; explicit: boolean } {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  for (let i = 0; i < end; i++) {
    const a = argv[i]!;
    if (a === '--config' && i + 1 < end) return { path: resolve(cwd, argv[i + 1]!), explicit: true };
    if (a.startsWith('--config=')) return { path: resolve(cwd, a.slice('--config='.length)), explicit: true };
  }
  const dir = xdgDir(env, 'config');
  return { path: dir && join(dir, 'config.toml'), explicit: false };
}

/** Reads and parses the config; a missing default file is empty, a missing --config FILE is not. */
export async function loadConfig(tool: string, path: string | undefined, explicit: boolean): Promise<ConfigFile> {
  if (path === undefined) return { path, values: {} };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return { path, values: {} };
    throw new DlError(`cannot read config ${path}: ${(err as Error).message}`, {
      code: 'DL_ERR_CONFIG',
      exitCode: ExitCode.NO_INPUT,
      hint: 'check the --config path',
      cause: err,
    });
  }
  return { path, values: toolValues(await parseToml(text, path), tool) };
}

// Imported only when there is a file: most runs have none, and the parser is eight
// modules that Node would resolve, read and link at every start.
async function parseToml(text: string, path: string): Promise<Record<string, unknown>> {
  const { parse, TomlError } = await import('smol-toml');
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new DlError(`${path}:${err.line}:${err.column}: invalid TOML: ${reason}`, {
      code: 'DL_ERR_CONFIG',
      exitCode: ExitCode.USAGE,
      hint: 'fix the file, or pass --config FILE',
      cause: err,
    });
  }
}

/** Top-level scalars, then this tool's table; other tools' tables are theirs. */
function toolValues(doc: Record<string, unknown>, tool: string): Record<string, unknown> {
  const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
  const top = Object.fromEntries(Object.entries(doc).filter(([, v]) => !isTable(v)));
  const own = doc[tool];
  return { ...top, ...(isTable(own) ? own : {}) };
}

/** DL_RETRIES for `retries`, DL_PROGRESS_FD for `progress-fd`. */
export const envName = (key: string): string => `DL_${key.toUpperCase().replace(/-/g, '_')}`;

/**
 * Settings for yargs's lowest-but-one layer: env (DL_*) over the config file, for the
 * given keys only. yargs then puts flags above and defaults below them. Values are
 * checked here, where the file or the variable can still be named in the message.
 */
export function resolveSettings(keys: readonly string[], file: ConfigFile, env: Env, types: OptionTypes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const raw = env[envName(key)];
    if (raw !== undefined && raw !== '') out[key] = fromEnv(key, raw, types);
    else if (key in file.values) out[key] = checkValue(key, file.values[key], types, `${file.path}: ${key}`);
  }
  return out;
}

function fromEnv(key: string, raw: string, types: OptionTypes): unknown {
  const where = `${envName(key)}=${raw}`;
  if (types.number.includes(key)) return checkValue(key, Number(raw), types, where);
  if (types.boolean.includes(key)) {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw badSetting(where, 'is not a boolean (use 1 or 0)');
  }
  return checkValue(key, raw, types, where);
}

function checkValue(key: string, value: unknown, types: OptionTypes, where: string): unknown {
  if (types.number.includes(key) && (typeof value !== 'number' || Number.isNaN(value))) throw badSetting(where, 'is not a number');
  if (types.boolean.includes(key) && typeof value !== 'boolean') throw badSetting(where, 'is not a boolean');
  const choices = types.choices[key];
  if (choices && !choices.includes(value)) throw badSetting(where, `is not one of ${choices.join(', ')}`);
  return value;
}

const badSetting = (where: string, why: string): DlError => usageError(`${where} ${why}`, 'fix the setting or unset it');
