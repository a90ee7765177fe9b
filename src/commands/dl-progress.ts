import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Argv } from 'yargs';
import type { CommonArgs } from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { describeEvent } from '../cli/progress/describe-event.js';
import { JsonRenderer } from '../cli/progress/json-renderer.js';
import { resolveProgress } from '../cli/progress/create-progress.js';
import type { StageRenderer } from '../cli/progress/stage-renderer.js';
import { StagePlainRenderer } from '../cli/progress/stage-plain-renderer.js';
import { averageRate, StageTable } from '../cli/progress/stage-table.js';
import { StageTtyRenderer } from '../cli/progress/stage-tty-renderer.js';
import { writeOut } from '../cli/write-text.js';
import { isDlError } from '../lib/errors/dl-error.js';
import { ndjsonLines, parseEventLine } from '../lib/events/ndjson.js';
import { openInputStream } from '../lib/fs/open-input-stream.js';

/**
 * dl-progress: one display for the events of several commands, like pino-pretty for logs.
 * Reads NDJSON from stdin and FILEs (named pipes too) as lines arrive, draws one line per
 * stage and names the bottleneck; lines that are not events pass through to stdout.
 */
type Args = CommandArgs<object>;

const TOOL = 'dl-progress';

export const { run, main } = defineCommand<object>({
  name: TOOL,
  summary: 'Draw the events of one or more dlkit commands: every stage, and which one is the bottleneck.',
  usage: '$0 [options] [FILE...]',
  examples: [
    ['{ dl-get --progress json --progress-fd 3 $URL | dl-hash -p --progress json --progress-fd 3 > f; } 3>&1 | $0', 'one display for a pipeline'],
    ['$0 get.ndjson hash.ndjson', 'merge event files (or named pipes)'],
    ['$0 --json events.ndjson', 'each stage\'s totals as NDJSON'],
  ],
  stdoutIsData: false,
  builder: (y: Argv<CommonArgs>) => y as unknown as Argv<object>,
  handler: async (args, ctx) => {
    const names = args._.length > 0 ? args._.map(String) : ['-'];
    const table = new StageTable();
    const renderer = rendererFor(args, ctx, table);
    const statuses = await Promise.all(names.map((name, source) => readInput(name, source, table, renderer, ctx)));
    await renderer.close();
    if (args.json) await writeSummary(table, ctx);
    return Math.max(0, ...statuses);
  },
});

/** Reads one input to its end; a file that cannot be opened is a warning and its status. */
async function readInput(name: string, source: number, table: StageTable, renderer: StageRenderer, ctx: CommandContext): Promise<number> {
  const { io, signal } = ctx;
  try {
    const stream = name === '-' ? io.stdin : await openInputStream(resolve(io.cwd, name));
    const lines = ndjsonLines({ onOverlong: 'skip', onWarn: (w) => renderer.warn(w.code, `${name}: ${w.message}`) });
    await pipeline(stream, lines, async (source_: AsyncIterable<string>) => {
      for await (const line of source_) {
        const e = parseEventLine(line);
        if (e === null) renderer.passThrough(line);
        else renderer.onEvent(e, table.onEvent(e, source));
      }
    }, { signal });
    return 0;
  } catch (err) {
    if (signal.aborted || !isDlError(err)) throw err;
    renderer.warn(err.code, err.message);
    return err.exitCode;
  }
}

/** --progress picks the display, as for every command; `auto` is a bar on a terminal. */
function rendererFor(args: Args, { io, warn }: CommandContext, table: StageTable): StageRenderer {
  const kind = resolveProgress({ mode: args.progress, io, stdoutIsData: false, quiet: args.quiet });
  const pass = (line: string): void => void io.stdout.write(`${line}\n`);
  if (kind === 'tty') {
    // A pty without a size (script(1) run without a terminal) reports 0 columns.
    const columns = io.columns || 80;
    return new StageTtyRenderer({ out: io.stderr, table, columns, color: io.env.NO_COLOR === undefined, passOut: io.isTTY.stdout ? undefined : io.stdout });
  }
  if (kind === 'plain') return new StagePlainRenderer({ out: io.stderr, table, passOut: io.stdout });
  if (kind === 'json') {
    // The merged events, as read: one stream out of several files or pipes.
    const fd = args.progressFd;
    const json = new JsonRenderer(fd === undefined ? { out: io.stderr } : { out: createWriteStream('', { fd, autoClose: false }), endOnClose: true });
    return { onEvent: (e) => json.onEvent(e), passThrough: pass, warn, close: () => json.close() };
  }
  // none, -q: the stages' errors (and warnings unless -q) still show.
  const keep = (type: string): boolean => type === 'error' || (type === 'warn' && !args.quiet);
  return {
    onEvent: (e, stage) => {
      if (keep(e.type)) for (const l of describeEvent(e, e.id)) io.stderr.write(`${stage.label}: ${l.text}\n`);
    },
    passThrough: pass,
    warn: (code, message) => void (args.quiet || io.stderr.write(`${TOOL}: warning: ${message} (${code})\n`)),
    close: () => Promise.resolve(),
  };
}

/** --json: one object per stage, in the order they appeared. */
async function writeSummary(table: StageTable, { io }: CommandContext): Promise<void> {
  const slowest = table.slowestOverall();
  const lines = table.all().map((s) =>
    JSON.stringify({ stage: s.label, tool: s.tool, state: s.state, bytes: s.bytes, total: s.total, durationMs: s.lastMs - s.firstMs, rate: Math.round(averageRate(s)), bottleneck: s === slowest }),
  );
  await writeOut(io.stdout, lines.map((l) => `${l}\n`).join(''));
}
