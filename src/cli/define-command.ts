import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CommonArgs } from './common-options.js';
import type { ConfigFile } from './config.js';
import type { CommandRun, Io } from './io.js';
import { runMain } from './process-io.js';
import { runCommand } from './run-command.js';
import type { ProgressSink } from './progress/create-progress.js';
import { VERSION, wantsVersion } from './version.js';
import { writeText } from './write-text.js';

/** Parsed options, under both their kebab and camelCase names; positionals in `_`. */
export type CommandArgs<A> = ArgumentsCamelCase<A & CommonArgs>;

/**
 * What a `complete` hook gets: the words before the one being completed, parsed without
 * validation or coercion (any option may be missing); the positionals as text in `_`.
 */
export type PositionalArgs<A> = Partial<CommandArgs<A>> & { _: string[] };

/** What a handler gets besides its arguments. */
export interface CommandContext {
  tool: string;
  io: Io;
  /** Events go here; the sink renders them as --progress says. */
  progress: ProgressSink;
  /** A recoverable problem: a `warn` event, shown on stderr unless -q (message redacted). */
  warn(code: string, message: string, id?: string): void;
  /** The config file read (path, this tool's merged values), for keys that are not options. */
  config: ConfigFile;
  /** Aborted on SIGINT/SIGTERM, or when stdout's reader went away. */
  signal: AbortSignal;
}

export interface CommandSpec<A> {
  name: string;
  /** One line, used in --help. */
  summary: string;
  /** Synopsis for --help, e.g. '$0 [options] [FILE...]'. */
  usage: string;
  examples: [command: string, meaning: string][];
  /** True when stdout carries the data stream (progress then stays off stdout's terminal). */
  stdoutIsData: boolean;
  /** Options besides CONFIGURABLE_KEYS that config.toml and DL_* may set. */
  configKeys?: readonly string[];
  /** Adds the command's own options (use the with*() helpers of common-options.ts). */
  builder: (y: Argv<CommonArgs>) => Argv<A>;
  /** Does the work; resolves to the exit status, throws DlError on failure. */
  handler: (args: CommandArgs<A>, ctx: CommandContext) => Promise<number>;
  /**
   * Shell completion of a positional: candidates for `current`, which comes after the
   * positionals in `args._`. Failures count as none; with none, the shell offers file
   * names. Without it, positionals get yargs's answer (the options).
   */
  complete?: (current: string, args: PositionalArgs<A>, io: Io) => Promise<string[]>;
}

export interface Command {
  name: string;
  /** Parses argv, runs the handler, reports failures; never throws, never exits. */
  run: CommandRun;
  /** Runs with the real process and sets process.exitCode. */
  main: () => void;
}

export function defineCommand<A>(spec: CommandSpec<A>): Command {
  const run: CommandRun = async (argv, io) => {
    if (wantsVersion(argv)) {
      await writeText(io.stdout, `dlkit ${VERSION}\n`);
      return 0;
    }
    // Imported with the command, not on demand: bin/<tool>.js answers --version before
    // loading the command (launch.ts), and a chunk of its own cost a file more to load.
    return runCommand(spec, argv, io);
  };
  return { name: spec.name, run, main: () => runMain(run) };
}

