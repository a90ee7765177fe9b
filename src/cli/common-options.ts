import type { Argv } from 'yargs';
import type { ProgressMode } from './progress/create-progress.js';

export const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'tty', 'plain', 'json', 'none'];

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** Options every command has, with one name and meaning everywhere. */
export interface CommonArgs {
  json: boolean;
  progress: ProgressMode;
  'progress-fd': number | undefined;
  quiet: boolean;
  verbose: boolean;
  config: string | undefined;
  completion: CompletionShell | undefined;
}

/** Keys a config file or a DL_* variable may set when the command has the option. */
export const CONFIGURABLE_KEYS: readonly string[] = ['progress', 'retries', 'timeout'];

export function commonOptions(y: Argv): Argv<CommonArgs> {
  return y
    .option('json', { type: 'boolean', default: false, describe: 'write results to stdout as NDJSON' })
    .option('progress', {
      choices: PROGRESS_MODES,
      default: 'auto' as ProgressMode,
      describe: 'progress on stderr: auto, tty bar, plain lines, json events, or none',
    })
    .option('progress-fd', { type: 'number', requiresArg: true, describe: 'write --progress json events to file descriptor N' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress and no warnings; errors only' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'say more about what happens, on stderr' })
    .option('config', { type: 'string', requiresArg: true, describe: 'read settings from FILE instead of the XDG config' })
    .option('completion', { choices: COMPLETION_SHELLS, hidden: true, describe: 'print a shell completion script' })
    .option('version', { type: 'boolean', describe: 'print the version and exit' });
}

export interface OutputArgs { output: string | undefined }
export interface RetriesArgs { retries: number }
export interface TimeoutArgs { timeout: number }
export interface ExpectArgs { expect: string | undefined }
export interface ResumeArgs { resume: boolean }
export interface YesArgs { yes: boolean }
export interface HeaderArgs { header: string[] }

// Opt-in options: a command adds the ones it has; names and meanings live only here.

export const withOutput = <T>(y: Argv<T>, describe = "write to FILE instead of stdout ('-' is stdout)"): Argv<T & OutputArgs> =>
  y.option('output', { alias: 'o', type: 'string', requiresArg: true, describe });

export const withRetries = <T>(y: Argv<T>): Argv<T & RetriesArgs> =>
  y.option('retries', { type: 'number', default: 5, requiresArg: true, describe: 'retry transient failures N times (0: never)' });

export const withTimeout = <T>(y: Argv<T>): Argv<T & TimeoutArgs> =>
  y.option('timeout', {
    type: 'number',
    default: 30,
    requiresArg: true,
    describe: 'give up on a connection or a stalled transfer after SECONDS',
  });

export const withExpect = <T>(y: Argv<T>): Argv<T & ExpectArgs> =>
  y.option('expect', { type: 'string', requiresArg: true, describe: 'fail (exit 65) unless the digest is ALGO:HEX' });

export const withResume = <T>(y: Argv<T>): Argv<T & ResumeArgs> =>
  y.option('resume', { type: 'boolean', default: true, describe: 'continue from a matching checkpoint (--no-resume: start over)' });

export const withYes = <T>(y: Argv<T>): Argv<T & YesArgs> =>
  y.option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'do not ask before overwriting a device' });

export const withHeader = <T>(y: Argv<T>): Argv<T & HeaderArgs> =>
  y.option('header', {
    alias: 'H',
    type: 'string',
    requiresArg: true,
    // Not `array: true`, which would swallow the URLs after -H into the header list.
    coerce: (v: string | string[] | undefined): string[] => (v === undefined ? [] : ([] as string[]).concat(v)),
    describe: "add an HTTP header 'Name: value' (repeatable; values are redacted)",
  }) as unknown as Argv<T & HeaderArgs>;
