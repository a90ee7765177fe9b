import type { ArgumentsCamelCase, Argv } from 'yargs';
import { isDlError, usageError } from '../lib/errors/dl-error.js';
import { isSecretHeader } from '../lib/redact/redact-headers.js';
import { redactText } from '../lib/redact/redact-text.js';
import { CONFIGURABLE_KEYS, commonOptions, type CommonArgs } from './common-options.js';
import { completionScript } from './completion-script.js';
import { findConfigPath, loadConfig, resolveSettings, type ConfigFile, type OptionTypes } from './config.js';
import { describeFailure, type Failure } from './describe-failure.js';
import { formatErrorLine } from './format-error-line.js';
import type { CommandRun, Io } from './io.js';
import { runMain } from './process-io.js';
import { createProgress, type ProgressSink } from './progress/create-progress.js';
import { VERSION, wantsVersion } from './version.js';
import { writeText } from './write-text.js';

/** Parsed options, under both their kebab and camelCase names; positionals in `_`. */
export type CommandArgs<A> = ArgumentsCamelCase<A & CommonArgs>;

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
}

export interface Command {
  name: string;
  /** Parses argv, runs the handler, reports failures; never throws, never exits. */
  run: CommandRun;
  /** Runs with the real process and sets process.exitCode. */
  main: () => void;
}

export function defineCommand<A>(spec: CommandSpec<A>): Command {
  const run: CommandRun = (argv, io) => runCommand(spec, argv, io);
  return { name: spec.name, run, main: () => runMain(run) };
}

async function runCommand<A>(spec: CommandSpec<A>, argv: string[], io: Io): Promise<number> {
  if (wantsVersion(argv)) {
    await writeText(io.stdout, `dlkit ${VERSION}\n`);
    return 0;
  }
  let session: Session | undefined;
  try {
    const parsed = await parseCommandLine(spec, argv, io);
    if (parsed.kind === 'done') return 0;
    session = openSession(spec, parsed.args, parsed.config, io);
    const code = await spec.handler(parsed.args, session.ctx);
    await closeSink(session);
    return code;
  } catch (err) {
    return await reportFailure(spec.name, describeFailure(io.signal.aborted ? io.signal.reason : err), io, session);
  }
}

interface Session {
  ctx: CommandContext;
  /** --progress json: the failure is an `error` event, the last one. */
  json: boolean;
  /** Events are JSON lines on stderr: a text line there would break their readers. */
  eventsOnStderr: boolean;
  /** Values given on the command line that no message may show (secret -H values). */
  secrets: string[];
}

/** The values of secret headers given with -H, hidden wherever they appear. */
function secretsOf(args: Record<string, unknown>): string[] {
  const headers = Array.isArray(args.header) ? (args.header as string[]) : [];
  return headers.flatMap((h) => {
    const colon = h.indexOf(':');
    return colon > 0 && isSecretHeader(h.slice(0, colon)) ? [h.slice(colon + 1).trim()] : [];
  });
}

function openSession<A>(spec: CommandSpec<A>, args: CommandArgs<A>, config: ConfigFile, io: Io): Session {
  const fd = args.progressFd;
  const json = args.progress === 'json';
  const progress = createProgress({ tool: spec.name, mode: args.progress, fd, io, stdoutIsData: spec.stdoutIsData, quiet: args.quiet });
  const secrets = secretsOf(args);
  // The sink shows warnings on stderr in every mode but -q, or passes them on as events.
  const warn = (code: string, message: string, id = spec.name): void =>
    progress.emit({ type: 'warn', id, code, message: redactText(message, secrets) });
  const ctx = { tool: spec.name, io, progress, warn, config, signal: io.signal };
  return { ctx, json, eventsOnStderr: json && (fd === undefined || fd === 2), secrets };
}

// A sink that cannot flush (its fd is gone) does not change the outcome.
const closeSink = (session: Session): Promise<void> => session.ctx.progress.close().catch(() => undefined);

/**
 * One line on stderr, `tool: message (hint)`, printed after the sink is closed so a
 * progress bar is gone first. With --progress json the failure is also the last event;
 * when those events are on stderr, the event replaces the line.
 */
async function reportFailure(tool: string, f: Failure, io: Io, session: Session | undefined): Promise<number> {
  if (f.silent) {
    if (session) await closeSink(session);
    return f.exitCode;
  }
  const secrets = session?.secrets ?? [];
  const message = redactText(f.message, secrets);
  const hint = f.hint === undefined ? undefined : redactText(f.hint, secrets);
  if (session?.json) session.ctx.progress.emit({ type: 'error', id: tool, code: f.code, message, exitCode: f.exitCode, hint });
  if (session) await closeSink(session);
  if (!session?.eventsOnStderr) await writeText(io.stderr, formatErrorLine(tool, message, hint));
  return f.exitCode;
}

type Parsed<A> = { kind: 'done' } | { kind: 'run'; args: CommandArgs<A>; config: ConfigFile };

/** The parts of yargs's getOptions() used here (missing from @types/yargs). */
interface YargsOptions extends OptionTypes {
  key: Record<string, unknown>;
}

async function parseCommandLine<A>(spec: CommandSpec<A>, argv: string[], io: Io): Promise<Parsed<A>> {
  // Loaded here, not at the top, so --version answers without paying for yargs.
  const { default: yargs } = await import('yargs');
  const where = findConfigPath(argv, io.env, io.cwd);
  const config = await loadConfig(spec.name, where.path, where.explicit);
  const y = spec.builder(commonOptions(baseParser(yargs(), spec, io)));
  for (const [cmd, meaning] of spec.examples) y.example(cmd, meaning);
  const options = (y as unknown as { getOptions(): YargsOptions }).getOptions();
  const keys = [...CONFIGURABLE_KEYS, ...(spec.configKeys ?? [])].filter((k) => k in options.key);
  y.config(resolveSettings(keys, config, io.env, options));

  if (argv[0] === '--get-yargs-completions') {
    const words = await y.getCompletion(argv.slice(1));
    await writeText(io.stdout, words.map((w) => `${w}\n`).join(''));
    return { kind: 'done' };
  }
  const { args, help } = await parseWith(y, argv).catch((err: unknown) => {
    throw isDlError(err) ? err : usageError(String((err as Error).message ?? err), tryHelpHint(spec.name));
  });
  if (help) return (await writeText(io.stdout, `${help}\n`), { kind: 'done' });
  const parsed = args as CommandArgs<A>;
  if (parsed.completion) return (await writeText(io.stdout, completionScript(spec.name, parsed.completion)), { kind: 'done' });
  for (const key of options.number) {
    if (Number.isNaN(parsed[key])) throw usageError(`--${key} expects a number`, tryHelpHint(spec.name));
  }
  return { kind: 'run', args: parsed, config };
}

function baseParser(y: Argv, spec: Pick<CommandSpec<unknown>, 'name' | 'usage' | 'summary'>, io: Io): Argv {
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
    .epilogue(`Exit status, environment and config: dlkit(7). Manual: ${spec.name}(1).`)
    .fail((msg, err) => {
      throw usageError(msg ?? err?.message ?? 'invalid arguments', tryHelp);
    });
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
