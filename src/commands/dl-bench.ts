import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { askConfirmation } from '../cli/ask-confirmation.js';
import { withRetries, withTimeout, withYes, type CommonArgs, type RetriesArgs, type TimeoutArgs, type YesArgs } from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { resolveProgress } from '../cli/progress/create-progress.js';
import { parseByteSize } from '../cli/parse-byte-size.js';
import { writeOut } from '../cli/write-text.js';
import { benchDrive } from '../lib/bench/bench-drive.js';
import { BenchBar } from '../lib/bench/bench-bar.js';
import { type BenchResult, type Settings, type TargetInfo } from '../lib/bench/bench-result.js';
import { alignDown, openDriveTarget, openFileTarget, type BenchTarget } from '../lib/bench/bench-target.js';
import { formatReport } from '../lib/bench/format-report.js';
import { measureThroughput } from '../lib/bench/measure-throughput.js';
import { PATTERNS, patternBuffers, type Pattern } from '../lib/bench/pattern-buffers.js';
import { runCapacity, runPasses, runSweep, type RunContext } from '../lib/bench/run-measurements.js';
import { benchUrl } from '../lib/bench/url-bench.js';
import { describeDrive, type Drive } from '../lib/device/drive.js';
import { unmountDrive } from '../lib/device/unmount-drive.js';
import { DlError, ExitCode, usageError } from '../lib/errors/dl-error.js';
import type { EventInput } from '../lib/events/types.js';
import { createDispatcher } from '../lib/http/dispatcher.js';
import { redactUrl } from '../lib/redact/redact-url.js';
import { DEFAULT_RETRY_POLICY } from '../lib/retry/retry-policy.js';

/**
 * dl-bench: how fast a drive or file takes sequential writes (or gives reads), which
 * block size suits it best, whether it really holds what it claims, and how many
 * connections a download wants. Drives get dl-flash's safety checks and a confirmation.
 */

interface BenchArgs extends YesArgs, RetriesArgs, TimeoutArgs {
  size: string | undefined;
  'block-size': string;
  pattern: Pattern;
  passes: number;
  direct: boolean;
  read: boolean;
  iodepth: number;
  runtime: number | undefined;
  'test-block-sizes': boolean;
  'verify-capacity': boolean;
  segments: string;
  force: boolean;
  unmount: boolean;
}
type Args = CommandArgs<BenchArgs>;

const TOOL = 'dl-bench';
const DEFAULT_SIZE = 1 << 30;
const SWEEP_SECONDS = 2;
const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

const builder = (y: Argv<CommonArgs>): Argv<BenchArgs> =>
  withTimeout(withRetries(withYes(y)))
    .parserConfiguration({ 'parse-positional-numbers': false })
    .option('size', { type: 'string', requiresArg: true, defaultDescription: '1G, at most the drive', describe: 'bytes per measurement, from the start of the target' })
    .option('block-size', { alias: 'b', type: 'string', default: '4M', requiresArg: true, describe: 'bytes per write or read (a multiple of 4K)' })
    .option('pattern', { choices: PATTERNS, default: 'random' as Pattern, describe: 'what is written: zeros, random or a sequence counter' })
    .option('passes', { alias: 'n', type: 'number', default: 1, requiresArg: true, describe: 'measure N times; the report gives mean, min and max' })
    .option('direct', { type: 'boolean', default: true, describe: 'O_DIRECT, past the page cache (--no-direct: buffered, then fdatasync)' })
    .option('read', { type: 'boolean', default: false, describe: 'measure reads instead of writes (does not write a drive)' })
    .option('iodepth', { type: 'number', default: 1, requiresArg: true, describe: 'operations in flight (1 as dd and fio do by default)' })
    .option('runtime', { type: 'number', requiresArg: true, defaultDescription: `none; ${SWEEP_SECONDS} per size with --test-block-sizes`, describe: 'stop each measurement after SECONDS' })
    .option('test-block-sizes', { type: 'boolean', default: false, describe: 'measure every block size from 4K to 16M and name the best' })
    .option('verify-capacity', { type: 'boolean', default: false, describe: 'check that the drive really holds its size (fake cards)' })
    .option('segments', { alias: 's', type: 'string', default: '1,2,4,8,16', requiresArg: true, describe: 'URL: the connection counts to measure, comma-separated' })
    .option('force', { type: 'boolean', default: false, describe: 'allow a drive that is not removable' })
    .option('unmount', { type: 'boolean', default: false, describe: "unmount the drive's filesystems first" }) as unknown as Argv<BenchArgs>;

export const { run, main } = defineCommand<BenchArgs>({
  name: TOOL,
  summary: 'Measure the throughput of a drive, a file or a URL, and what settings suit it.',
  usage: '$0 [options] DEVICE|FILE\n$0 --test-block-sizes [options] DEVICE|FILE\n$0 --verify-capacity [options] DEVICE\n$0 [-s 1,2,4,8] URL',
  examples: [
    ['$0 --size 1G --passes 3 /dev/sdb --yes', 'sequential write speed of a card, three times'],
    ['$0 --test-block-sizes --json /dev/sdb --yes', 'the best block size for dl-flash --block-size'],
    ['$0 --verify-capacity /dev/sdb', 'catch a fake-capacity card'],
    ['$0 -s 1,4,16 https://example.org/big.iso', 'how many connections a download wants'],
  ],
  stdoutIsData: false,
  builder,
  handler: async (args, ctx) => {
    const given = args._.map(String);
    if (given.length !== 1) throw usageError(`expected one DEVICE, FILE or URL, got ${given.length}`, `try '${TOOL} --help'`);
    const emit = eventSink(args, ctx);
    let result: BenchResult;
    try {
      result = isUrl(given[0]!) ? await urlBench(given[0]!, args, ctx, emit.to) : await driveBench(given[0]!, args, ctx, emit.to);
    } finally {
      emit.close();
    }
    await writeResult(result, args, ctx);
    return result.kind === 'capacity' && !result.capacity.ok ? fakeCapacity(result) : ExitCode.OK;
  },
});

/** Events go to the sink (json, plain lines), or on a terminal to a bar coloured by speed. */
function eventSink(args: Args, ctx: CommandContext): { to: (e: EventInput) => void; close: () => void } {
  const tty = resolveProgress({ mode: args.progress, io: ctx.io, stdoutIsData: false, quiet: args.quiet }) === 'tty';
  if (!tty) return { to: (e) => ctx.progress.emit(e), close: () => undefined };
  const bar = new BenchBar({ out: ctx.io.stderr, columns: ctx.io.columns ?? 80, color: ctx.io.env.NO_COLOR === undefined });
  return { to: (e) => (e.type === 'start' || e.type === 'progress' || e.type === 'end' ? bar.onEvent(e) : ctx.progress.emit(e)), close: () => bar.close() };
}

async function writeResult(result: BenchResult, args: Args, ctx: CommandContext): Promise<void> {
  const text = args.json ? `${JSON.stringify(result)}\n` : formatReport(result);
  await writeOut(ctx.io.stdout, text);
}

function fakeCapacity(r: Extract<BenchResult, { kind: 'capacity' }>): never {
  const { claimed, usable } = r.capacity;
  throw new DlError(`${r.target.path} claims ${claimed} bytes but only ${usable} read back: a fake-capacity drive`, {
    code: 'DL_ERR_FAKE_CAPACITY',
    exitCode: ExitCode.INTEGRITY,
    hint: `use at most the first ${usable} bytes (partition it to that size), or return the drive`,
    details: { claimed, usable },
  });
}

function settingsOf(args: Args, size: number): Settings {
  const blockSize = parseByteSize(args.blockSize, '--block-size');
  if (blockSize % 4096 !== 0) throw usageError(`--block-size ${args.blockSize}: not a multiple of 4K`, 'O_DIRECT needs whole 4 KiB sectors; e.g. --block-size 1M');
  if (!(Number.isInteger(args.passes) && args.passes >= 1)) throw usageError(`--passes ${args.passes}: not a count ≥ 1`);
  if (!(Number.isInteger(args.iodepth) && args.iodepth >= 1 && args.iodepth <= 64)) throw usageError(`--iodepth ${args.iodepth}: not a count from 1 to 64`);
  if (size < 4096) throw usageError(`--size ${args.size}: smaller than 4K`);
  return { mode: args.read ? 'read' : 'write', size, blockSize, pattern: args.pattern, iodepth: args.iodepth };
}

async function driveBench(given: string, args: Args, ctx: CommandContext, emit: (e: EventInput) => void): Promise<BenchResult> {
  if (args.testBlockSizes && args.verifyCapacity) throw usageError('--test-block-sizes and --verify-capacity do not go together');
  const path = resolve(ctx.io.cwd, given);
  const isDevice = await stat(path).then((s) => s.isBlockDevice(), () => false);
  if (args.verifyCapacity && !isDevice) throw usageError(`--verify-capacity checks a drive; ${given} is not a block device`, 'name a drive such as /dev/sdb');
  const wanted = args.size === undefined ? DEFAULT_SIZE : parseByteSize(args.size, '--size');
  const writes = !args.read || args.verifyCapacity;
  const drive = isDevice ? await benchDrive(path, { write: writes, size: args.size === undefined ? 0 : wanted, force: args.force, unmount: args.unmount }) : undefined;
  const size = alignDown(drive ? Math.min(wanted, drive.size) : wanted);
  const settings = settingsOf(args, size);
  if (drive && writes) await prepareDrive(drive, args, ctx);
  const target = drive ? await openDriveTarget(drive, { write: writes, direct: args.direct }) : await openFileTarget(path, { write: true, direct: args.direct });
  try {
    const run: RunContext = { target, info: targetInfo(target, drive), signal: ctx.signal, emit, ...(args.runtime ? { maxMs: args.runtime * 1000 } : {}) };
    if (args.direct && !target.direct) ctx.warn('DL_WARN_NO_DIRECT', `${given} refused O_DIRECT: buffered I/O, timed to fdatasync`);
    if (drive?.usb?.degraded) ctx.warn('DL_WARN_USB2_LINK', `${drive.path} is a USB 3 drive on a ${drive.usb.speedMbps} Mb/s link: try another port or cable`);
    if (args.verifyCapacity) return await runCapacity(run, drive!.size);
    if (settings.mode === 'read' && !drive) await layOut(target, settings, args, ctx);
    if (args.testBlockSizes) return await runSweep(run, settings, (args.runtime ?? SWEEP_SECONDS) * 1000);
    return await runPasses(run, settings, args.passes);
  } finally {
    await target.close();
  }
}

/** Unmount when asked, then the last word: --yes, or "yes" at a terminal. */
async function prepareDrive(drive: Drive, args: Args, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const what = describeDrive(drive);
  await askConfirmation(io, ctx.signal, {
    yes: args.yes,
    prompt: () => `This overwrites data on ${what}.\nType "yes" to go on: `,
    refused: `refusing to overwrite ${what} without confirmation`,
    declined: `not confirmed: ${what} left alone`,
    hint: 'answer "yes" at a terminal, or add --yes',
  });
  if (args.unmount) for (const point of await unmountDrive(drive)) ctx.warn('DL_WARN_UNMOUNTED', `unmounted ${point}`, drive.path);
}

/** A read benchmark of a file needs the bytes there first; writing them is not timed. */
async function layOut(target: BenchTarget, s: Settings, args: Args, ctx: CommandContext): Promise<void> {
  if ((await target.fh.stat()).size >= s.size) return;
  if (args.verbose) ctx.warn('DL_WARN_LAYOUT', `writing ${s.size} bytes to ${target.path} before reading them`);
  await measureThroughput(target, { ...s, mode: 'write', buffers: patternBuffers(s.pattern, s.blockSize, s.iodepth), signal: ctx.signal });
  if (!target.direct) ctx.warn('DL_WARN_CACHED', 'without O_DIRECT the reads may come from the page cache');
}

const targetInfo = (t: BenchTarget, drive: Drive | undefined): TargetInfo => ({
  path: t.path,
  kind: drive ? 'device' : 'file',
  description: drive ? describeDrive(drive) : t.path,
  direct: t.direct,
  ...(drive?.usb ? { usb: drive.usb } : {}),
});

function parseSegments(text: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !(Number.isInteger(n) && n >= 1 && n <= 64))) {
    throw usageError(`--segments ${text}: not a list of counts from 1 to 64`, 'e.g. --segments 1,2,4,8,16');
  }
  return list;
}

async function urlBench(url: string, args: Args, ctx: CommandContext, emit: (e: EventInput) => void): Promise<BenchResult> {
  if (args.read || args.testBlockSizes || args.verifyCapacity) throw usageError('--read, --test-block-sizes and --verify-capacity measure drives, not URLs');
  const segments = parseSegments(args.segments);
  const dispatcher = createDispatcher({ env: ctx.io.env, warn: ctx.warn, connectTimeoutMs: args.timeout * 1000, connections: Math.max(32, 2 * Math.max(...segments)) });
  const shown = redactUrl(url);
  try {
    const r = await benchUrl({
      download: {
        url,
        dispatcher,
        minSplitBytes: 1 << 20,
        retry: { ...DEFAULT_RETRY_POLICY, retries: args.retries },
        stallTimeoutMs: args.timeout * 1000,
        signal: ctx.signal,
      },
      segments,
      idFor: (n) => `${shown} -s ${n}`,
      emit,
    });
    return { kind: 'url', url: shown, rows: r.rows, best: { ...r.best, segmentsArg: `-s ${r.best.segments}` } };
  } finally {
    await dispatcher.close();
  }
}
