import { chmod, link, lstat, lutimes, mkdir, rm, symlink, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { withOutput, type CommonArgs, type OutputArgs } from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { writeOut } from '../cli/write-text.js';
import { resolveInside } from '../lib/archive/resolve-inside.js';
import { DlError, ExitCode, usageError } from '../lib/errors/dl-error.js';
import { fsError } from '../lib/fs/fs-error.js';
import type { PartFile } from '../lib/fs/part-file.js';
import { cleanEntryName } from '../lib/stargz/entry-name.js';
import { extractTarget } from '../lib/stargz/extract-target.js';
import { safeName } from '../lib/stargz/format-entry.js';
import type { ImageEntry } from '../lib/stargz/merge-layers.js';
import type { OpenedImage } from '../lib/stargz/open-image.js';
import { readFiles } from '../lib/stargz/read-files.js';
import { entriesUnder, isGlob, matchArgument } from '../lib/stargz/select-entries.js';
import { completeImagePath, openImageFromArgs, withImageOptions, type ImageArgs } from './stargz-image-options.js';

/**
 * stargz-get: chosen files out of an eStargz image, fetching only their chunks by Range
 * (adjacent ones in one request, --concurrency in flight), each chunk and file checked
 * against the TOC's digests. `-o DIR` recreates them below DIR (modes, mtimes, symlinks,
 * hardlinks; files already there with the right digest skipped); `-o -` writes one
 * file's bytes to stdout.
 */
type GetArgs = ImageArgs & OutputArgs;
type Args = CommandArgs<GetArgs>;

const TOOL = 'stargz-get';
const hasContent = (e: ImageEntry): boolean => e.type === 'reg' || e.type === 'hardlink';

const builder = (y: Argv<CommonArgs>): Argv<GetArgs> =>
  withOutput(withImageOptions(y), "write below DIR, or '-' for one file's bytes on stdout");

export const { run, main } = defineCommand<GetArgs>({
  name: TOOL,
  summary: 'Fetch files out of an eStargz image with Range requests, verified chunk by chunk, without pulling layers.',
  usage: '$0 [options] IMAGE PATH|GLOB... -o DIR\n$0 [options] IMAGE PATH -o -',
  examples: [
    ['$0 ghcr.io/stargz-containers/python:3.13-esgz usr/bin/python3.13 -o out', 'one file into out/usr/bin/'],
    ["$0 localhost:5000/app:1 'etc/**' -o rootfs", 'a directory tree'],
    ['$0 localhost:5000/app:1 etc/os-release -o - | head', 'bytes on stdout'],
  ],
  stdoutIsData: true,
  builder,
  complete: completeImagePath,
  handler: async (args, ctx) => {
    const [image, ...paths] = args._.map(String);
    if (image === undefined || paths.length === 0) throw usageError('name an IMAGE and at least one PATH', `try '${TOOL} --help'`);
    if (args.output === undefined) throw usageError('say where the files go: -o DIR, or -o - for stdout', `try '${TOOL} --help'`);
    const opened = await openImageFromArgs(image, args, ctx, await prefetchable(paths, args.output, ctx.io.cwd));
    try {
      const chosen = await select(opened.files, paths);
      return args.output === '-' ? await toStdout(opened, chosen, args, ctx) : await toDirectory(opened, chosen, resolve(ctx.io.cwd, args.output), args, ctx);
    } finally {
      await opened.close();
    }
  },
});

/**
 * One named file, to stdout or to a directory where it is not yet: its chunks are
 * requested while the TOCs are still being indexed (openImage's prefetch). Several files,
 * globs, or a file that may already be there with its digest (then skipped) get none.
 */
async function prefetchable(paths: string[], output: string, cwd: string): Promise<string[]> {
  const [path] = paths;
  if (paths.length !== 1 || path === undefined || isGlob(path)) return [];
  if (output === '-') return paths;
  const clean = cleanEntryName(path);
  const target = clean ? resolveInside(resolve(cwd, output), clean) : null;
  if (target === null) return [];
  return (await lstat(target).then(() => true, () => false)) ? [] : paths;
}

/** Every entry the arguments name, a directory with all below it; exit 66 before any fetch when one names nothing. */
async function select(files: readonly ImageEntry[], paths: string[]): Promise<ImageEntry[]> {
  const chosen = new Map<string, ImageEntry>();
  for (const arg of paths) {
    const found = await matchArgument(files, arg);
    if (found === undefined) {
      throw new DlError(`${safeName(arg)}: no such file or directory in the image`, { code: 'DL_ERR_NOT_FOUND', exitCode: ExitCode.NO_INPUT, hint: 'list the image with stargz-ls -R IMAGE', details: { path: arg } });
    }
    const roots = found.length === 0 ? entriesUnder(files, '', true) : found;
    for (const e of roots) {
      chosen.set(e.path, e);
      if (e.type === 'dir' && (found.length > 0 || isGlob(arg))) for (const below of entriesUnder(files, e.path, true)) chosen.set(below.path, below);
    }
  }
  return [...chosen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function toStdout(opened: OpenedImage, chosen: ImageEntry[], args: Args, ctx: CommandContext): Promise<number> {
  const [entry] = chosen;
  if (chosen.length !== 1 || !entry || !hasContent(entry)) throw usageError('-o - writes the bytes of exactly one regular file', 'name one file, or use -o DIR');
  const progress = fetchProgress(ctx, entry.path, entry.size);
  for await (const piece of readFiles(opened.layers, [entry], { concurrency: args.concurrency, signal: ctx.signal, onRead: progress.read })) {
    await writeOut(ctx.io.stdout, piece.data);
    progress.wrote(piece.data.length);
  }
  progress.end();
  return ExitCode.OK;
}

function fetchProgress(ctx: CommandContext, id: string, total: number) {
  const began = Date.now();
  let fetched = 0;
  let written = 0;
  ctx.progress.emit({ type: 'start', id, total });
  return {
    read: (n: number): void => void (fetched += n),
    wrote: (n: number): void => {
      written += n;
      ctx.progress.emit({ type: 'progress', id, bytes: written, total, fetched });
    },
    end: (): void => ctx.progress.emit({ type: 'end', id, bytes: written, durationMs: Date.now() - began, fetched }),
  };
}

/** sha256 of a file already on disk, or undefined when it is not a regular file of that size. */
async function digestOnDisk(path: string, size: number): Promise<string | undefined> {
  const stats = await lstat(path).catch(() => undefined);
  if (!stats?.isFile() || stats.size !== size) return undefined;
  const { hashFile } = await import('../lib/hash/hash-file.js');
  const { digests } = await hashFile(path, ['sha256']);
  return `sha256:${digests.sha256}`;
}

async function toDirectory(opened: OpenedImage, chosen: ImageEntry[], root: string, args: Args, ctx: CommandContext): Promise<number> {
  await mkdir(root, { recursive: true }).catch((err: unknown) => Promise.reject(fsError(err, root, 'create')));
  const targets = new Map<string, string>();
  for (const e of chosen) targets.set(e.path, await extractTarget(root, e.path));
  for (const e of chosen.filter((x) => x.type === 'dir')) await mkdir(targets.get(e.path)!, { recursive: true, mode: 0o700 }).catch((err: unknown) => Promise.reject(fsError(err, targets.get(e.path)!, 'create')));
  const linkable = new Set(chosen.filter((e) => e.type === 'reg').map((e) => e.path));
  // A hardlink whose target comes along becomes a link; otherwise it is fetched as a file.
  const fetchList: ImageEntry[] = [];
  for (const e of chosen.filter(hasContent)) {
    if (e.type === 'hardlink' && linkable.has(e.linkName ?? '')) continue;
    const have = e.digest === undefined ? undefined : await digestOnDisk(targets.get(e.path)!, e.size);
    if (have !== undefined && have === e.digest) ctx.progress.emit({ type: 'entry', id: e.path, name: e.path, kind: e.type, size: e.size, skipped: true });
    else fetchList.push(e);
  }
  const progress = fetchProgress(ctx, opened.source.name, fetchList.reduce((n, e) => n + e.size, 0));
  await fetchInto(opened, fetchList, targets, progress, args, ctx);
  for (const e of chosen.filter((x) => x.type === 'hardlink' && linkable.has(x.linkName ?? ''))) await makeLink(e, targets, root, ctx);
  for (const e of chosen.filter((x) => x.type === 'symlink')) await makeSymlink(e, targets.get(e.path)!, ctx);
  // Directories last, deepest first: a read-only one would refuse its own contents.
  for (const e of chosen.filter((x) => x.type === 'dir').reverse()) await setMeta(targets.get(e.path)!, e);
  progress.end();
  return ExitCode.OK;
}

type Progress = ReturnType<typeof fetchProgress>;

async function fetchInto(opened: OpenedImage, list: ImageEntry[], targets: Map<string, string>, progress: Progress, args: Args, ctx: CommandContext): Promise<void> {
  // Loaded here, not at start-up: `-o -` never writes a file.
  const { preparePartFile } = await import('../lib/fs/part-file.js');
  const open = new Map<number, { part: PartFile; fh: FileHandle }>();
  const partOf = async (i: number): Promise<{ part: PartFile; fh: FileHandle }> => {
    const known = open.get(i);
    if (known) return known;
    const target = targets.get(list[i]!.path)!;
    await mkdir(dirname(target), { recursive: true });
    const part = await preparePartFile(target, { overwrite: true });
    await part.discard();
    const made = { part, fh: await part.open() };
    open.set(i, made);
    return made;
  };
  try {
    for (const [i, e] of list.entries()) if (e.size === 0) await finishFile(await partOf(i), e, targets.get(e.path)!, ctx);
    for await (const piece of readFiles(opened.layers, list, { concurrency: args.concurrency, signal: ctx.signal, onRead: progress.read })) {
      const file = await partOf(piece.index);
      await file.fh.write(piece.data, 0, piece.data.length, piece.position).catch((err: unknown) => Promise.reject(fsError(err, file.part.partPath, 'write')));
      progress.wrote(piece.data.length);
      if (piece.last) {
        open.delete(piece.index);
        await finishFile(file, list[piece.index]!, targets.get(list[piece.index]!.path)!, ctx);
      }
    }
  } finally {
    for (const { fh, part } of open.values()) await fh.close().then(() => part.discard(), () => undefined);
  }
}

async function finishFile(file: { part: PartFile; fh: FileHandle }, e: ImageEntry, target: string, ctx: CommandContext): Promise<void> {
  await file.fh.close();
  await setMeta(file.part.partPath, e);
  await file.part.finalize();
  if (e.digest) ctx.progress.emit({ type: 'verify', id: e.path, algorithm: 'sha256', actual: e.digest.slice(7), expected: e.digest.slice(7), ok: true });
  ctx.progress.emit({ type: 'entry', id: e.path, name: e.path, kind: e.type, size: e.size, path: target });
}

async function setMeta(path: string, e: ImageEntry): Promise<void> {
  await chmod(path, e.implicit ? 0o755 : e.mode & 0o7777).catch((err: unknown) => Promise.reject(fsError(err, path, 'write')));
  if (e.mtime !== undefined) await utimes(path, e.mtime, e.mtime).catch((err: unknown) => Promise.reject(fsError(err, path, 'write')));
}

async function makeLink(e: ImageEntry, targets: Map<string, string>, root: string, ctx: CommandContext): Promise<void> {
  const path = targets.get(e.path)!;
  const existing = targets.get(e.linkName!) ?? (await extractTarget(root, e.linkName!));
  await rm(path, { force: true });
  await link(existing, path).catch((err: unknown) => Promise.reject(fsError(err, path, 'create')));
  ctx.progress.emit({ type: 'entry', id: e.path, name: e.path, kind: 'hardlink', size: e.size, path });
}

async function makeSymlink(e: ImageEntry, path: string, ctx: CommandContext): Promise<void> {
  await rm(path, { force: true, recursive: false }).catch(() => undefined);
  await symlink(e.linkName!, path).catch((err: unknown) => Promise.reject(fsError(err, path, 'create')));
  if (e.mtime !== undefined) await lutimes(path, e.mtime, e.mtime).catch(() => undefined);
  ctx.progress.emit({ type: 'entry', id: e.path, name: e.path, kind: 'symlink', size: 0, path });
}
