import { mkdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { askConfirmation } from '../cli/ask-confirmation.js';
import { withResume, withYes, type CommonArgs, type ResumeArgs, type YesArgs } from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { parseByteSize } from '../cli/parse-byte-size.js';
import { writeOut } from '../cli/write-text.js';
import { identityOfFile, type SourceIdentity } from '../lib/checkpoint/source-identity.js';
import { blockDevicesOf } from '../lib/device/dev-number.js';
import { formatSize, type Drive } from '../lib/device/drive.js';
import { flashJob } from '../lib/device/flash-job.js';
import { describeForConfirmation, driveRecord, formatDriveTable, usbWarning } from '../lib/device/format-drives.js';
import type { ImageSource } from '../lib/device/image-source.js';
import { driveHolding, listDrives } from '../lib/device/list-drives.js';
import { readMountTables, type MountTables } from '../lib/device/mount-table.js';
import { openDevice, type DeviceHandle } from '../lib/device/open-device.js';
import { resolveTarget } from '../lib/device/resolve-target.js';
import { assertSafeTarget } from '../lib/device/safety-check.js';
import { findSystemDrives } from '../lib/device/system-drives.js';
import { unmountDrive } from '../lib/device/unmount-drive.js';
import { verifyOnly } from '../lib/device/verify-only.js';
import type { Bmap } from '../lib/bmap/bmap-file.js';
import { findBmap, loadBmap } from '../lib/bmap/find-bmap.js';
import { flashWithBmap } from '../lib/bmap/flash-bmap.js';
import type { EventInput } from '../lib/events/types.js';
import { formatPartitionTable } from '../lib/partition/format-partition-table.js';
import type { PartitionTable } from '../lib/partition/partition-table.js';
import { readPartitionTable } from '../lib/partition/read-partition-table.js';
import { DlError, ExitCode, usageError } from '../lib/errors/dl-error.js';
import { xdgDir } from '../lib/fs/xdg-dir.js';
import { isUpstreamFailure } from '../lib/pipeline/upstream-failed-error.js';
import { createRateLimiter } from '../lib/streams/rate-limit.js';

/**
 * dl-flash: write an image to drives, safely (refusals, confirmation, identity pinning,
 * exclusive open), fast (aligned O_DIRECT, several writes in flight, one read for all
 * drives), verified (read back past the page cache) and resumable (checkpoints).
 * Modes: write (default), --verify-only, --list.
 */
interface FlashArgs extends YesArgs, ResumeArgs {
  force: boolean;
  unmount: boolean;
  verify: boolean;
  'verify-only': boolean;
  list: boolean;
  all: boolean;
  inspect: boolean;
  'block-size': string;
  'limit-rate': string | undefined;
  bmap: string | undefined;
}
type Args = CommandArgs<FlashArgs>;

const TOOL = 'dl-flash';
// Writes in flight per drive: one on each of libuv's four threads (a file source is read on
// the main thread, see fileSource). 5 × 4 MiB of buffers.
const IN_FLIGHT = 4;

const builder = (y: Argv<CommonArgs>): Argv<FlashArgs> =>
  withResume(withYes(y))
    .option('force', { type: 'boolean', default: false, describe: 'allow a non-removable target (never the system drive)' })
    .option('unmount', { type: 'boolean', default: false, describe: "unmount the target's filesystems first" })
    .option('verify', { type: 'boolean', default: true, describe: 'read the drives back and compare (--no-verify: skip)' })
    .option('verify-only', { type: 'boolean', default: false, describe: 'compare DEVICE with SOURCE, write nothing' })
    .option('list', { alias: 'l', type: 'boolean', default: false, describe: 'list removable drives (--all: every drive)' })
    .option('all', { type: 'boolean', default: false, describe: 'with --list: non-removable and virtual drives too' })
    .option('inspect', { type: 'boolean', default: false, describe: "print SOURCE's partition table (MBR or GPT), write nothing" })
    .option('block-size', { type: 'string', default: '4M', requiresArg: true, describe: 'bytes per write, a multiple of 4k' })
    .option('bmap', { type: 'string', requiresArg: true, describe: "write only the blocks bmaptool's FILE maps (IMAGE.bmap beside the image is picked up)" })
    .option('limit-rate', { type: 'string', requiresArg: true, describe: 'cap the write rate, e.g. 20M (bytes/s)' }) as unknown as Argv<FlashArgs>;

export const { run, main } = defineCommand<FlashArgs>({
  name: TOOL,
  summary: 'Write an image to drives safely, verify it, and resume after an interruption.',
  usage: '$0 [options] SOURCE DEVICE...\n$0 --verify-only SOURCE DEVICE\n$0 --list [--all] [--json]\n$0 --inspect SOURCE [--json]',
  examples: [
    ['$0 raspios.img /dev/sdb', 'write, then read back and compare'],
    ['dl-get $URL | dl-unpack | $0 - /dev/sdb --yes', 'from a pipeline'],
    ['$0 --verify-only raspios.img /dev/sdb', 'check a card later'],
  ],
  stdoutIsData: false,
  builder,
  handler: (args, ctx) => {
    const positionals = args._.map(String);
    if (args.list) return list(args, ctx);
    if (args.inspect) return inspect(positionals, args, ctx);
    if (args.verifyOnly) return checkOnly(positionals, ctx);
    return flash(positionals, args, ctx);
  },
});

async function list(args: Args, ctx: CommandContext): Promise<number> {
  const [tables, drives] = await Promise.all([readMountTables(), listDrives()]);
  const system = await findSystemDrives(drives, tables);
  const shown = args.all ? drives : drives.filter((d) => d.removable && !d.virtual && !system.has(d.path));
  for (const d of shown) {
    const w = usbWarning(d);
    if (w) ctx.warn('DL_WARN_USB_SPEED', w, d.path);
  }
  const text = args.json ? shown.map((d) => `${JSON.stringify(driveRecord(d, system))}\n`).join('') : formatDriveTable(shown, system);
  await writeOut(ctx.io.stdout, text);
  return ExitCode.OK;
}

async function inspect(positionals: string[], args: Args, ctx: CommandContext): Promise<number> {
  const [sourceArg, ...rest] = positionals;
  if (sourceArg === undefined || rest.length > 0) throw usageError('--inspect takes one SOURCE');
  const { source } = await openSource(sourceArg, ctx);
  try {
    const table = await partitionsOf(source);
    await writeOut(ctx.io.stdout, args.json ? `${JSON.stringify(table)}\n` : formatPartitionTable(table));
  } finally {
    await source.close();
  }
  return ExitCode.OK;
}

/** The image's partition table, when the source can be read at an offset. */
async function partitionsOf(source: ImageSource): Promise<PartitionTable | null> {
  if (!source.readAt) throw usageError(`cannot inspect ${source.name}: it is not a file`, 'save the image to a file first');
  return readPartitionTable(source.readAt);
}

interface Plan {
  source: ImageSource;
  fromStdin: boolean;
  identity: SourceIdentity;
  targets: Drive[];
}

async function flash(positionals: string[], args: Args, ctx: CommandContext): Promise<number> {
  const [sourceArg, ...deviceArgs] = positionals;
  if (sourceArg === undefined || deviceArgs.length === 0) throw usageError('need SOURCE and at least one DEVICE', `try '${TOOL} --help'`);
  const blockSize = parseByteSize(args.blockSize, '--block-size');
  if (blockSize % 4096 !== 0) throw usageError(`--block-size ${args.blockSize}: not a multiple of 4k`);
  const limiter = args.limitRate === undefined ? undefined : createRateLimiter(parseByteSize(args.limitRate, '--limit-rate'));
  const bmap = await bmapFor(sourceArg, args, ctx);
  const plan = await planWrite(sourceArg, deviceArgs, args, ctx, bmap?.imageSize);
  try {
    await confirm(plan, args, ctx);
    for (const t of plan.targets.filter((d) => d.mountpoints.length > 0)) await unmountDrive(t);
    const handles = await openAll(plan.targets);
    try {
      const job = {
        source: plan.source,
        handles,
        verify: args.verify,
        blockSize,
        inFlight: IN_FLIGHT,
        ...(limiter ? { limiter } : {}),
        signal: ctx.signal,
        emit: (e: EventInput) => ctx.progress.emit(e),
        warn: ctx.warn,
      };
      const result = bmap
        ? await flashWithBmap({ ...job, bmap })
        : await flashJob({ ...job, sourceIdentity: plan.identity, checkpointDir: await checkpointDir(ctx), resume: args.resume });
      if (result.failed.length === 0) return ExitCode.OK;
      const first = result.failed[0]!.error;
      throw new DlError(`${result.failed.length} of ${handles.length} drives failed: ${first.message}`, { code: first.code, exitCode: first.exitCode, hint: first.hint });
    } catch (err) {
      if (isUpstreamFailure(ctx.signal.reason)) warnIncomplete(handles, ctx);
      throw err;
    } finally {
      await Promise.all(handles.map((h) => h.fh.close()));
    }
  } finally {
    await plan.source.close();
  }
}

/** The input was cut short by a failing stage before this one: what the drives got is no image. */
function warnIncomplete(handles: DeviceHandle[], ctx: CommandContext): void {
  for (const { drive } of handles) {
    ctx.warn('DL_WARN_INCOMPLETE', `${drive.path} holds an incomplete image (its input was cut short), not verified: do not use it until a run succeeds`, drive.path);
  }
}

/** --bmap FILE, else a map beside a file image (bmaptool's names), else none. */
async function bmapFor(sourceArg: string, args: Args, ctx: CommandContext): Promise<Bmap | undefined> {
  if (args.bmap !== undefined) return loadBmap(resolve(ctx.io.cwd, args.bmap));
  if (sourceArg === '-' || isUrl(sourceArg)) return undefined;
  const found = await findBmap(resolve(ctx.io.cwd, sourceArg));
  if (found) ctx.warn('DL_WARN_BMAP_SIDECAR', `using ${found.path}: writing only its mapped blocks`);
  return found?.bmap;
}

/**
 * Source, drives, and every refusal decided before a byte is written. The source opens
 * and the mount table is read (on libuv's threads) while lsblk runs, in that order: the
 * source's imports and file checks took 4-14 ms that now overlap the listing. A refused
 * or unknown drive is still reported before a source that fails.
 */
async function planWrite(sourceArg: string, deviceArgs: string[], args: Args, ctx: CommandContext, imageSize?: number): Promise<Plan> {
  const [opened, listed] = await Promise.allSettled([openSource(sourceArg, ctx), Promise.all([readMountTables(), listDrives()])]);
  try {
    if (listed.status === 'rejected') throw listed.reason;
    const [tables, drives] = listed.value;
    const targets = await Promise.all(deviceArgs.map((a) => resolveTarget(resolve(ctx.io.cwd, a), drives)));
    if (new Set(targets.map((t) => t.path)).size !== targets.length) throw usageError('the same drive is named twice');
    if (opened.status === 'rejected') throw opened.reason;
    const { source, identity } = opened.value;
    const systemDrives = await findSystemDrives(drives, tables);
    const sourceDrives = await sourceDrivesOf(sourceArg, ctx, drives, tables);
    for (const target of targets) {
      assertSafeTarget({ target, systemDrives, sourceDrives, imageSize: imageSize ?? source.size, force: args.force, unmount: args.unmount });
      const w = usbWarning(target);
      if (w) ctx.warn('DL_WARN_USB_SPEED', w, target.path);
    }
    return { source, identity, targets, fromStdin: sourceArg === '-' };
  } catch (err) {
    if (opened.status === 'fulfilled') await opened.value.source.close();
    throw err;
  }
}

const isUrl = (arg: string): boolean => /^https?:\/\//i.test(arg);

/**
 * The image: a file (read in place, or decoded when compressed), an http(s) URL, or '-'.
 * Streams are named by what they are and proved by content on resume (the skipped bytes
 * must hash to the checkpoint's digests), so their identity is only their name.
 */
async function openSource(arg: string, ctx: CommandContext): Promise<{ source: ImageSource; identity: SourceIdentity }> {
  const streamed = (path: string): SourceIdentity => ({ type: 'file', path, size: 0, mtimeMs: 0 });
  // Loaded when needed: the decoders and the HTTP client cost startup time a plain file does not need.
  const { decodedStream, openFileImage } = await import('../lib/device/compose-source.js');
  if (arg === '-') return { source: await decodedStream('-', ctx.io.stdin as AsyncIterable<Buffer>, ctx.signal), identity: streamed('-') };
  if (isUrl(arg)) {
    const { urlImage } = await import('../lib/device/url-image.js');
    const source = await urlImage(arg, { env: ctx.io.env, signal: ctx.signal, emit: (e) => ctx.progress.emit(e) });
    return { source, identity: streamed(source.name) };
  }
  const path = await realpath(resolve(ctx.io.cwd, arg)).catch(() => resolve(ctx.io.cwd, arg));
  const identity = await identityOfFile(path);
  return { source: await openFileImage(path, arg, ctx.signal), identity };
}

async function sourceDrivesOf(arg: string, ctx: CommandContext, drives: Drive[], tables: MountTables): Promise<Set<string>> {
  if (arg === '-' || isUrl(arg)) return new Set();
  const devs = await blockDevicesOf(resolve(ctx.io.cwd, arg), tables.mounts);
  return new Set(devs.flatMap((dev) => driveHolding(drives, dev)?.path ?? []));
}

/** On a terminal, show the drives and ask; otherwise --yes is the only way on. */
async function confirm(plan: Plan, args: Args, ctx: CommandContext): Promise<void> {
  await askConfirmation(ctx.io, ctx.signal, {
    yes: args.yes,
    // With '-' as the source, stdin carries the image: there is no one to ask.
    stdinIsData: plan.fromStdin,
    prompt: async () => {
      const size = plan.source.size === null ? 'size unknown' : formatSize(plan.source.size);
      const table = plan.source.readAt ? `, holding ${formatPartitionTable(await partitionsOf(plan.source))}` : '.\n';
      return `${TOOL}: this ERASES everything on:\n${plan.targets.map(describeForConfirmation).join('\n')}\nand writes ${plan.source.name} (${size})${table}Type 'yes' to go on: `;
    },
    refused: 'refusing to write without confirmation: not on a terminal',
    declined: 'not confirmed: nothing was written',
    hint: 'add --yes once you are sure of the drive',
  });
}

/** Opens every drive exclusively; one that cannot be opened closes the others. */
async function openAll(targets: Drive[]): Promise<DeviceHandle[]> {
  const opened = await Promise.allSettled(targets.map((t) => openDevice(t, { write: true })));
  const handles = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = opened.find((r) => r.status === 'rejected');
  if (failure) {
    await Promise.all(handles.map((h) => h.fh.close()));
    throw failure.reason;
  }
  return handles;
}

async function checkpointDir(ctx: CommandContext): Promise<string | undefined> {
  const state = xdgDir(ctx.io.env, 'state');
  if (state === undefined) return undefined;
  const dir = join(state, 'dl-flash');
  await mkdir(dir, { recursive: true });
  return dir;
}

async function checkOnly(positionals: string[], ctx: CommandContext): Promise<number> {
  const [sourceArg, deviceArg, ...rest] = positionals;
  if (sourceArg === undefined || deviceArg === undefined || rest.length > 0) throw usageError('--verify-only takes SOURCE and one DEVICE');
  const drive = await resolveTarget(resolve(ctx.io.cwd, deviceArg), await listDrives());
  const { source } = await openSource(sourceArg, ctx);
  try {
    const handle = await openDevice(drive, { write: false });
    try {
      await verifyOnly(source, handle, { signal: ctx.signal, emit: (e) => ctx.progress.emit(e) });
    } finally {
      await handle.fh.close();
    }
  } finally {
    await source.close();
  }
  return ExitCode.OK;
}
