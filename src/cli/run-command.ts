import { isSecretHeader } from '../lib/redact/redact-headers.js';
import { redactText } from '../lib/redact/redact-text.js';
import type { ConfigFile } from './config.js';
import type { CommandArgs, CommandContext, CommandSpec } from './define-command.js';
import { describeFailure, type Failure } from './describe-failure.js';
import { formatErrorLine } from './format-error-line.js';
import type { Io } from './io.js';
import { parseCommandLine } from './parse-command-line.js';
import { createProgress } from './progress/create-progress.js';
import { writeText } from './write-text.js';

/** What a command's run() does after --version: parse, run the handler, report. */
export async function runCommand<A>(spec: CommandSpec<A>, argv: string[], io: Io): Promise<number> {
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

