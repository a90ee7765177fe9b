import { open, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Argv } from 'yargs';
import { withOutput, type CommonArgs, type OutputArgs } from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { parseByteSize } from '../cli/parse-byte-size.js';
import type { EntryInfo } from '../lib/archive/entry-info.js';
import { usageError } from '../lib/errors/dl-error.js';
import { fsError } from '../lib/fs/fs-error.js';
import { preparePartFile } from '../lib/fs/part-file.js';
import { isStreamTarget, openStreamTarget } from '../lib/fs/stream-target.js';
import { BufferRecycler } from '../lib/streams/buffer-recycler.js';
import { releaseAfterWrite } from '../lib/streams/release-after-write.js';
import { decodeInput, type DecodeOptions } from '../lib/unpack/decode-input.js';
import { FORMATS, type Format } from '../lib/unpack/formats.js';
import { readFileChunks } from '../lib/unpack/read-file-chunks.js';
import { newCounters, OUTPUT_CHUNK, type ByteCounters } from '../lib/unpack/stage.js';
import type { ArchiveSource } from '../lib/unpack/unpack-archive.js';

/**
 * dl-unpack: decompress gzip, xz, zstd and bzip2 to stdout or a file (like `xz -dc`,
 * `zcat -f`), extract tar and zip into a directory without letting any entry out of it
 * (like `tar -x`, `unzip`), or list an archive's members.
 */
interface UnpackArgs extends OutputArgs {
  directory: string | undefined;
  list: boolean;
  format: Format | undefined;
  force: boolean;
  'max-size': string | undefined;
  'strip-components': number;
  include: string[];
  exclude: string[];
  overwrite: boolean;
  strict: boolean;
}
type Args = CommandArgs<UnpackArgs>;

const TOOL = 'dl-unpack';
const asList = (v: unknown): string[] => (v === undefined ? [] : ([] as string[]).concat(v as string | string[]).map(String));

const builder = (y: Argv<CommonArgs>): Argv<UnpackArgs> =>
  withOutput(y, 'decompress into FILE (written as FILE.part, renamed when complete)')
    .option('directory', { alias: 'C', type: 'string', requiresArg: true, describe: 'extract the tar or zip archive into DIR' })
    .option('list', { alias: 'l', type: 'boolean', default: false, describe: 'list the archive: type, mode, size, mtime, name' })
    .option('format', { choices: FORMATS, describe: 'decode as FORMAT instead of sniffing the magic bytes' })
    .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'pass input that is not compressed through unchanged' })
    .option('max-size', { type: 'string', requiresArg: true, describe: 'stop (exit 65) once the output passes SIZE, e.g. 20G' })
    .option('strip-components', { type: 'number', default: 0, requiresArg: true, describe: 'drop the first N path components of entry names' })
    .option('include', { type: 'string', requiresArg: true, default: [] as string[], coerce: asList, describe: 'extract only entries matching GLOB (repeatable)' })
    .option('exclude', { type: 'string', requiresArg: true, default: [] as string[], coerce: asList, describe: 'skip entries matching GLOB (repeatable)' })
    .option('overwrite', { type: 'boolean', default: false, describe: 'replace existing files (refused otherwise)' })
    .option('strict', { type: 'boolean', default: false, describe: 'an unsafe or refused entry is fatal (exit 77), not a warning' }) as unknown as Argv<UnpackArgs>;

export const { run, main } = defineCommand<UnpackArgs>({
  name: TOOL,
  summary: 'Decompress gz, xz, zst, bz2 to stdout or a file; extract or list tar and zip safely.',
  usage: '$0 [options] [FILE|-]',
  examples: [
    ['$0 img.xz | dl-flash - /dev/sdX', 'decompress to stdout'],
    ['$0 -o disk.img disk.img.zst', 'decompress into a file, renamed when complete'],
    ['$0 src.tar.gz -C out --strip-components 1', 'extract into out/, never outside it'],
    ['$0 -l --json bundle.zip', 'list members as NDJSON'],
  ],
  stdoutIsData: true,
  configKeys: ['max-size'],
  builder,
  handler: async (args, ctx) => {
    const file = validate(args);
    const input = await openInput(file, ctx);
    const counters = newCounters();
    const began = Date.now();
    const ticker = progressTicker(input.id, input.size, counters, ctx);
    const decode: DecodeOptions = { format: args.format, force: args.force, counters, signal: ctx.signal, onSniffed: ticker.start, inputRecycler: input.recycler };
    let extra: Record<string, unknown>;
    try {
      if (args.maxSize !== undefined) decode.maxSize = parseByteSize(args.maxSize, '--max-size');
      extra = args.list ? await list(input, decode, args, ctx) : args.directory !== undefined ? await extract(input, decode, args, ctx) : await decompress(input, decode, args, ctx);
    } finally {
      ticker.stop();
      await input.close();
    }
    ctx.progress.emit({ type: 'end', id: input.id, bytes: counters.bytesOut, durationMs: Date.now() - began, bytesIn: counters.bytesIn, ...extra });
    return 0;
  },
});

function validate(args: Args): string {
  const files = args._.map(String);
  if (files.length > 1) throw usageError('one input at a time', `run ${TOOL} once per file`);
  const modes = [args.list, args.directory !== undefined, args.output !== undefined].filter(Boolean).length;
  if (modes > 1) throw usageError('-l, -C and -o do not go together', 'list (-l), extract (-C DIR) or decompress (-o FILE or stdout)');
  if (!(Number.isInteger(args.stripComponents) && args.stripComponents >= 0)) throw usageError(`--strip-components ${args.stripComponents}: expected a whole number ≥ 0`);
  return files[0] ?? '-';
}

// tar, yauzl and picomatch load only for -C and -l: plain decompression starts without them.
const loadArchives = () => import('../lib/unpack/unpack-archive.js');

interface Input extends ArchiveSource {
  id: string;
  size: number | null;
  /** The buffers a file is read into, for the decoders to give back (none for stdin). */
  recycler?: BufferRecycler;
  /** Closes a file input, read to its end or not (a zip read in place, a failure). */
  close: () => Promise<void>;
}

// Reads of 1 MiB: with 256 KiB the decoding thread waited for the next read 0.56 s of a
// 2.7 s xz run (1 GiB out); the decoders bound their output per call, not these reads.
const READ_BYTES = 1024 * 1024;

async function openInput(file: string, { io }: CommandContext): Promise<Input> {
  const tmpDir = io.env.TMPDIR || tmpdir();
  if (file === '-') {
    // A pipe's chunks from process.stdin are new Buffers each (64 KiB), dead once decoded,
    // waiting for the collector: xz -T0 from a pipe peaked at 157 MiB, 144 from the file.
    const pipe = io.stdinPipe === undefined ? undefined : await open(io.stdinPipe).catch(() => undefined);
    if (pipe) return { id: '-', size: null, tmpDir, ...readInto(pipe) };
    return { id: '-', size: null, input: io.stdin, tmpDir, close: async () => undefined };
  }
  const path = resolve(io.cwd, file);
  try {
    const s = await stat(path);
    return { id: file, size: s.isFile() ? s.size : null, path, tmpDir, ...readInto(await open(path)) };
  } catch (e) {
    throw fsError(e, path, 'read');
  }
}

/** An open file (or pipe) read into recycled buffers, closed whether read to its end or not. */
function readInto(fh: FileHandle): Pick<Input, 'input' | 'recycler' | 'close'> {
  const recycler = new BufferRecycler(READ_BYTES, 2);
  const chunks = readFileChunks(fh, recycler);
  const close = async (): Promise<void> => {
    await chunks.return(undefined);
    await fh.close();
  };
  return { input: chunks, recycler, close };
}

/** `start` once the format is known; `progress` (bytes in and out, ratio) while bytes move. */
function progressTicker(id: string, total: number | null, c: ByteCounters, { progress }: CommandContext) {
  let timer: NodeJS.Timeout | undefined;
  const tick = () => progress.emit({ type: 'progress', id, bytes: c.bytesIn, total, bytesOut: c.bytesOut, ratio: c.bytesIn ? c.bytesOut / c.bytesIn : null });
  return {
    start: (compression: string | null, inner: string | null) => {
      progress.emit({ type: 'start', id, total, format: compression, archive: inner === 'tar' || inner === 'zip' ? inner : null });
      timer = setInterval(tick, 100);
    },
    stop: () => {
      if (timer === undefined) return;
      clearInterval(timer);
      tick();
    },
  };
}

async function decompress(input: Input, decode: DecodeOptions, args: Args, ctx: CommandContext): Promise<Record<string, unknown>> {
  const toStdout = args.output === undefined || args.output === '-';
  const output = toStdout ? undefined : resolve(ctx.io.cwd, args.output!);
  const toStream = output !== undefined && (await isStreamTarget(output));
  // Output buffers are filled again once written, where the sink copies them on write.
  // 32 wait at most: a bzip2 job takes 16 (4 MiB) at once.
  const recycler = !toStdout || ctx.io.stdoutReleasesChunks ? new BufferRecycler(OUTPUT_CHUNK, 32) : undefined;
  const sink = (target: Writable): Writable => (recycler ? releaseAfterWrite(target, (c) => recycler.give(c)) : target);
  const d = await decodeInput(input.input, { ...decode, recycler });
  if (output === undefined) {
    await pipeline(d.output, sink(ctx.io.stdout), { signal: ctx.signal });
    return { format: d.compression };
  }
  // -o /dev/null or a named pipe: written into as standard output is, never renamed over.
  if (toStream) {
    await pipeline(d.output, sink(openStreamTarget(output)), { signal: ctx.signal });
    return { format: d.compression, output: args.output };
  }
  const part = await preparePartFile(output, { overwrite: args.overwrite });
  const fh = await part.open();
  try {
    await fh.truncate(0);
    await pipeline(d.output, sink(fh.createWriteStream()), { signal: ctx.signal }); // the stream closes fh
    await part.finalize();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await part.discard(); // a partial output is never left looking complete
    throw e;
  }
  return { format: d.compression, output: args.output };
}

async function extract(input: Input, decode: DecodeOptions, args: Args, ctx: CommandContext): Promise<Record<string, unknown>> {
  const dir = resolve(ctx.io.cwd, args.directory!);
  await stat(dir).catch((e: unknown) => Promise.reject(fsError(e, dir, 'stat')));
  const { extractArchive } = await loadArchives();
  const { decoded, result } = await extractArchive(input, decode, {
    dir,
    stripComponents: args.stripComponents,
    include: args.include,
    exclude: args.exclude,
    overwrite: args.overwrite,
    strict: args.strict,
    maxSize: decode.maxSize,
    signal: ctx.signal,
    onBytes: (n) => (decode.counters.bytesOut += n),
    onEntry: ({ type, ...e }) => ctx.progress.emit({ type: 'entry', id: input.id, kind: type, ...e }),
    onWarn: (w) => ctx.warn(w.code, w.name ? `${w.name}: ${w.message}` : w.message, input.id),
  });
  return { format: decoded.compression ?? decoded.inner, archive: decoded.inner, ...result };
}

const TYPE_LETTER: Record<EntryInfo['type'], string> = { file: '-', directory: 'd', symlink: 'l', hardlink: 'h', other: '?' };

function listLine(e: EntryInfo, json: boolean): string {
  if (json) return `${JSON.stringify(e)}\n`;
  const when = new Date(e.mtime * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const link = e.linkTarget ? ` -> ${e.linkTarget}` : '';
  return `${TYPE_LETTER[e.type]} ${e.mode.toString(8).padStart(4, '0')} ${String(e.size).padStart(12)} ${when} ${e.name}${link}\n`;
}

async function list(input: Input, decode: DecodeOptions, args: Args, ctx: CommandContext): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const { listArchive } = await loadArchives();
  const { decoded, result } = await listArchive(input, decode, (e) => lines.push(listLine(e, args.json)), (w) => ctx.warn(w.code, w.message, input.id));
  await pipeline(lines, ctx.io.stdout, { signal: ctx.signal });
  return { format: decoded.compression ?? decoded.inner, entries: result };
}
