import type { Argv } from 'yargs';
import type { CommonArgs } from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { writeText } from '../cli/write-text.js';
import { DlError, ExitCode, usageError } from '../lib/errors/dl-error.js';
import { listingFor } from '../lib/stargz/select-entries.js';
import { entryRecord, longLine, safeName } from '../lib/stargz/format-entry.js';
import type { ImageEntry } from '../lib/stargz/merge-layers.js';
import type { OpenedImage } from '../lib/stargz/open-image.js';
import { completeImagePath, openImageFromArgs, withImageOptions, type ImageArgs } from './stargz-image-options.js';

/**
 * stargz-ls: the files of an eStargz image, read from each layer's table of contents
 * (footer + TOC: a few kilobytes per layer), layers merged with their whiteouts. Like
 * ls: a directory lists its contents, -l the details and the layer each entry comes from,
 * -R everything below; --layers describes the layers instead; --json writes NDJSON.
 */
interface LsArgs extends ImageArgs {
  long: boolean;
  recursive: boolean;
  layers: boolean;
}
type Args = CommandArgs<LsArgs>;

const TOOL = 'stargz-ls';

const builder = (y: Argv<CommonArgs>): Argv<LsArgs> =>
  withImageOptions(y)
    .option('long', { alias: 'l', type: 'boolean', default: false, describe: 'mode, owner, size, mtime (UTC) and layer of each entry' })
    .option('recursive', { alias: 'R', type: 'boolean', default: false, describe: 'list directories and everything below them' })
    .option('layers', { type: 'boolean', default: false, describe: 'describe the layers: digest, size, format, TOC size, file count' }) as unknown as Argv<LsArgs>;

export const { run, main } = defineCommand<LsArgs>({
  name: TOOL,
  summary: 'List the layers and files of an eStargz image from its tables of contents, without pulling layers.',
  usage: '$0 [options] IMAGE [PATH|GLOB...]',
  examples: [
    ['$0 -l ghcr.io/stargz-containers/python:3.13-esgz usr/bin', 'one directory, ls -l style'],
    ["$0 -R --json localhost:5000/app:1 'etc/**'", 'NDJSON entries under etc'],
    ['$0 --layers oci:./layout:v1', 'the layers of an OCI layout image'],
  ],
  stdoutIsData: false,
  builder,
  complete: completeImagePath,
  handler: async (args, ctx) => {
    const [image, ...paths] = args._.map(String);
    if (image === undefined) throw usageError('name an IMAGE', `try '${TOOL} --help'`);
    const began = Date.now();
    ctx.progress.emit({ type: 'start', id: image, total: null });
    const opened = await openImageFromArgs(image, args, ctx);
    try {
      const status = args.layers ? await listLayers(opened, args, ctx) : await listFiles(opened, paths, args, ctx);
      const read = opened.source.layers.reduce((n, l) => n + l.source.bytesRead, 0);
      ctx.progress.emit({ type: 'end', id: image, bytes: read, durationMs: Date.now() - began, files: opened.files.length });
      return status;
    } finally {
      await opened.close();
    }
  },
});

async function listLayers(opened: OpenedImage, args: Args, ctx: CommandContext): Promise<number> {
  let text = '';
  opened.layers.forEach((layer, i) => {
    const { descriptor } = opened.source.layers[i]!;
    const record = { layer: i, digest: descriptor.digest || null, size: layer.source.size, mediaType: descriptor.mediaType || null, format: layer.format, tocSize: layer.tocSize, tocDigest: layer.tocDigest, files: layer.entries.length };
    text += args.json ? `${JSON.stringify(record)}\n` : `L${i} ${descriptor.digest || layer.source.label} ${layer.source.size} ${layer.format} toc=${layer.tocSize} files=${layer.entries.length}\n`;
  });
  await writeText(ctx.io.stdout, text);
  return ExitCode.OK;
}

/** Like ls: each argument's entries (a directory's contents), missing ones reported, exit 66 then. */
async function listFiles(opened: OpenedImage, paths: string[], args: Args, ctx: CommandContext): Promise<number> {
  const digests = opened.source.layers.map((l) => l.descriptor.digest);
  let missing = 0;
  const shown: ImageEntry[] = [];
  for (const arg of paths.length > 0 ? paths : ['']) {
    const found = await listingFor(opened.files, arg, args.recursive);
    if (found) shown.push(...found);
    else {
      missing++;
      ctx.warn('DL_WARN_NOT_FOUND', `${safeName(arg)}: no such file or directory in the image`, arg);
    }
  }
  const unique = [...new Map(shown.map((e) => [e.path, e])).values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const width = Math.max(1, ...unique.map((e) => String(e.size).length));
  const line = (e: ImageEntry): string => (args.json ? `${JSON.stringify(entryRecord(e, digests))}\n` : args.long ? longLine(e, width) : `${safeName(e.path)}\n`);
  await writeText(ctx.io.stdout, unique.map(line).join(''));
  if (missing === 0) return ExitCode.OK;
  throw new DlError(`${missing} of ${paths.length} paths are not in the image`, { code: 'DL_ERR_NOT_FOUND', exitCode: ExitCode.NO_INPUT, hint: `list the image with '${TOOL} -R IMAGE'` });
}
