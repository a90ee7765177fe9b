import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import {
  withExpect, withHeader, withOutput, withResume, withRetries, withTimeout,
  type CommonArgs, type ExpectArgs, type HeaderArgs, type OutputArgs, type ResumeArgs, type RetriesArgs, type TimeoutArgs,
} from '../cli/common-options.js';
import { defineCommand, type CommandArgs, type CommandContext } from '../cli/define-command.js';
import { writeOut } from '../cli/write-text.js';
import { promptPassword, readPasswordStdin } from '../cli/read-password.js';
import { isBatch, loginInputs, runBatch, transferOptions, withBatchOptions, type BatchArgs } from './dl-get-batch.js';
import { downloadToFile } from '../lib/download/download-file.js';
import type { DownloadOptions, DownloadResult } from '../lib/download/download-options.js';
import { downloadToStream } from '../lib/download/download-stream.js';
import { parseExpectList } from '../lib/hash/parse-expect.js';
import { targetInDir } from '../lib/download/target-name.js';
import { integrityError, usageError } from '../lib/errors/dl-error.js';
import { checksumBeside, checksumFromUrl } from '../lib/download/published-checksum.js';
import { urlFileName } from '../lib/http/safe-name.js';
import { createDispatcher } from '../lib/http/dispatcher.js';
import { loadCredentials } from '../lib/http/load-credentials.js';
import { redactUrl } from '../lib/redact/redact-url.js';
import { resolveSource } from '../lib/resolve/resolve-source.js';
import { closeStreamTarget, isStreamTarget, openStreamTarget } from '../lib/fs/stream-target.js';

/**
 * dl-get: download URLs to files (segmented, resumable, verified, renamed into place only
 * when complete) or to stdout in order, through one HTTP dispatcher with retries,
 * credentials that never follow a redirect to another origin, and a shared rate limit.
 */

export interface GetArgs extends OutputArgs, RetriesArgs, TimeoutArgs, ExpectArgs, ResumeArgs, HeaderArgs {
  dir: string | undefined;
  segments: number;
  'min-split': string;
  'retry-max-time': number;
  restart: boolean;
  'keep-bad': boolean;
  fsync: boolean;
  'direct-io': boolean;
  'limit-rate': string | undefined;
  user: string | undefined;
  'password-stdin': boolean;
  netrc: boolean;
  'netrc-file': string | undefined;
  cookie: string | undefined;
  proxy: string | undefined;
  insecure: boolean;
  mirror: string[];
  'checksum-url': string | undefined;
  'auto-checksum': boolean;
}
type Args = CommandArgs<GetArgs & BatchArgs>;

const TOOL = 'dl-get';
const asList = (v: unknown): string[] => (v === undefined ? [] : ([] as string[]).concat(v as string | string[]).map(String));

const builder = (y: Argv<CommonArgs>): Argv<GetArgs & BatchArgs> =>
  withBatchOptions(getOptions(y));

const getOptions = (y: Argv<CommonArgs>): Argv<GetArgs> =>
  withHeader(withResume(withExpect(withTimeout(withRetries(withOutput(y, "write to FILE ('-': stdout); default: stdout when it is a pipe, else a file named after the URL"))))))
    .option('dir', { alias: 'd', type: 'string', requiresArg: true, describe: 'save into DIR under a safe name from the URL or Content-Disposition' })
    .option('segments', { alias: 's', type: 'number', default: 4, requiresArg: true, describe: 'parallel connections (Range requests) per download' })
    .option('min-split', { alias: 'k', type: 'string', default: '4M', requiresArg: true, describe: 'never split a range below SIZE (idle connections steal halves ≥ 2×SIZE)' })
    .option('retry-max-time', { type: 'number', default: 300, requiresArg: true, describe: 'stop retrying after SECONDS in total' })
    .option('restart', { type: 'boolean', default: true, describe: 'start over when the file changed on the server (--no-restart: fail)' })
    .option('keep-bad', { type: 'boolean', default: false, describe: 'keep FILE.part when the digest does not match' })
    .option('fsync', { type: 'boolean', default: true, describe: 'make data durable before checkpoints and the rename (--no-fsync: page-cache speed)' })
    .option('direct-io', { type: 'boolean', default: true, describe: 'write files of 64 MiB and more past the page cache on ext4, XFS, btrfs (--no-direct-io: buffered)' })
    .option('limit-rate', { type: 'string', requiresArg: true, describe: 'at most RATE bytes/s in total, e.g. 10M' })
    .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'Basic auth USER:PASSWORD (USER alone: prompt, or --password-stdin)' })
    .option('password-stdin', { type: 'boolean', default: false, describe: 'read the --user password from stdin' })
    .option('netrc', { type: 'boolean', default: false, describe: 'use the login for the host in ~/.netrc' })
    .option('netrc-file', { type: 'string', requiresArg: true, describe: 'use the login for the host in FILE' })
    .option('cookie', { alias: 'b', type: 'string', requiresArg: true, describe: 'send cookies from a Netscape cookie FILE' })
    .option('proxy', { alias: 'x', type: 'string', requiresArg: true, describe: 'use this proxy (default: http_proxy, https_proxy, ALL_PROXY, no_proxy)' })
    .option('insecure', { type: 'boolean', default: false, describe: 'do not verify TLS certificates (warns)' })
    .option('checksum-url', { type: 'string', requiresArg: true, describe: 'check against the digest this SUMS or .sha256 file gives for the file (exit 65)' })
    .option('auto-checksum', { type: 'boolean', default: false, describe: 'check against URL.sha256 (.sha512, .sha1, .md5) or SHA256SUMS beside the URL' })
    .option('mirror', { type: 'string', requiresArg: true, default: [] as string[], coerce: asList, describe: 'another URL serving the same bytes (repeatable)' }) as unknown as Argv<GetArgs>;

export const { run, main } = defineCommand<GetArgs & BatchArgs>({
  name: TOOL,
  summary: 'Download URLs: segmented, resumable, retried, verified; to files or to stdout.',
  usage: '$0 [options] URL...\n$0 -i JOBS [-j N] [options]',
  examples: [
    ['$0 -o img.iso --expect sha256:HEX https://host/img.iso', 'resumable, verified, 4 connections'],
    ['$0 https://host/img.xz | dl-unpack | dl-flash - /dev/sdX', 'stream in order into a pipeline'],
    ['$0 -d ~/models hf://owner/repo/model.safetensors', 'Hugging Face file, token from HF_TOKEN'],
  ],
  stdoutIsData: true,
  configKeys: ['segments', 'min-split', 'limit-rate', 'proxy', 'fsync', 'direct-io'],
  builder,
  handler: async (args, ctx) => {
    if (isBatch(args)) return runBatch(args, ctx);
    const urls = args._.map(String);
    const toStdout = validate(args, urls, ctx);
    const base = await baseOptions(args, ctx);
    try {
      for (const url of urls) await getOne(url, toStdout, base, args, ctx);
    } finally {
      await base.dispatcher.close();
    }
    return 0;
  },
});

function validate(args: Args, urls: string[], ctx: CommandContext): boolean {
  if (urls.length === 0) throw usageError('no URL given', `try '${TOOL} --help'`);
  if (args.output !== undefined && args.output !== '-' && urls.length > 1) throw usageError('-o names one file, but several URLs were given', 'use -d DIR');
  if (args.output !== undefined && args.dir !== undefined) throw usageError('-o and -d do not go together');
  if (!(Number.isInteger(args.segments) && args.segments >= 1 && args.segments <= 64)) throw usageError(`--segments ${args.segments}: expected 1 to 64`);
  if (args.mirror.length > 0 && urls.length > 1) throw usageError('--mirror serves one URL, but several were given');
  if (args.insecure) ctx.warn('DL_WARN_INSECURE', 'TLS certificates are not verified (--insecure)');
  return args.output === '-' || (args.output === undefined && args.dir === undefined && !ctx.io.isTTY.stdout);
}

type Base = Omit<DownloadOptions, 'url' | 'id' | 'mirrors'>;

async function baseOptions(args: Args, ctx: CommandContext): Promise<Base> {
  const { io } = ctx;
  const [user, inlinePassword] = args.user === undefined ? [] : splitUser(args.user);
  const password = user === undefined || inlinePassword !== undefined ? inlinePassword : await readPassword(user, args.passwordStdin, io);
  const credentials = await loadCredentials({
    headers: args.header,
    basic: user === undefined ? undefined : { user, password: password ?? '' },
    ...loginInputs(args, io),
  });
  return {
    dispatcher: createDispatcher({ proxy: args.proxy, env: io.env, warn: ctx.warn, insecure: args.insecure, connectTimeoutMs: args.timeout * 1000, connections: Math.max(32, args.segments * 2) }),
    credentials,
    ...transferOptions(args),
    expect: parseExpectList(asList(args.expect)),
    signal: ctx.signal,
    emit: (e) => ctx.progress.emit(e),
  };
}

function splitUser(text: string): [string, string | undefined] {
  const colon = text.indexOf(':');
  return colon < 0 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
}

async function getOne(given: string, toStdout: boolean, base: Base, args: Args, ctx: CommandContext): Promise<DownloadResult> {
  const source = await resolveSource(given, { env: ctx.io.env, dispatcher: base.dispatcher, signal: ctx.signal });
  const credentials = source.bearer ? await withBearer(args, ctx, source.bearer) : base.credentials;
  const opts: DownloadOptions = { ...base, credentials, url: source.url, mirrors: args.mirror, id: redactUrl(given) };
  opts.expect = await withPublished(opts, args);
  if (toStdout) return downloadToStream({ ...opts, out: ctx.io.stdout });
  const output = args.output === undefined ? undefined : resolve(ctx.io.cwd, args.output);
  if (output !== undefined && (await isStreamTarget(output))) return downloadInto(output, opts);
  const target = output !== undefined ? await fileTarget(output) : await targetInDir(opts, resolve(ctx.io.cwd, args.dir ?? '.'));
  const result = await downloadToFile({ ...opts, target, resume: args.resume, restart: args.restart, keepBad: args.keepBad, fsync: args.fsync, directIo: args.directIo });
  if (args.json) await writeLine(ctx, { url: redactUrl(given), ...result });
  return result;
}

/** `-o /dev/null`, a named pipe: written in order as standard output is, never renamed over. */
async function downloadInto(path: string, opts: DownloadOptions): Promise<DownloadResult> {
  const out = openStreamTarget(path);
  try {
    return await downloadToStream({ ...opts, out });
  } finally {
    await closeStreamTarget(out);
  }
}

/** `-o PATH` must name a file: a directory would fail only at the final rename, after the transfer. */
async function fileTarget(path: string): Promise<string> {
  const isDir = await stat(path).then((st) => st.isDirectory(), () => false);
  if (isDir) throw usageError(`-o ${path} is a directory`, 'use -d DIR to save into a directory');
  return path;
}

/** --expect plus what --checksum-url / --auto-checksum publish; two different digests for one algorithm fail at once. */
async function withPublished(opts: DownloadOptions, args: Args): Promise<DownloadOptions['expect']> {
  const name = urlFileName(opts.url) ?? '';
  const published =
    args.checksumUrl !== undefined ? await checksumFromUrl(opts, args.checksumUrl, name)
    : args.autoChecksum ? await checksumBeside(opts, opts.url, name)
    : undefined;
  if (!published) return opts.expect;
  const given = opts.expect?.[published.algorithm];
  if (given !== undefined && given !== published.digest) {
    throw integrityError(`--expect ${published.algorithm}:${given} differs from ${published.digest} published in ${published.source}`);
  }
  return { ...opts.expect, [published.algorithm]: published.digest };
}

/** A resolver's token (HF_TOKEN, CIVITAI_TOKEN) is a bearer credential for its host only. */
const withBearer = (args: Args, ctx: CommandContext, bearer: string) =>
  loadCredentials({ headers: args.header, bearer, cookieFile: args.cookie && resolve(ctx.io.cwd, args.cookie) });

/** `--user U` without a password: read it from stdin (--password-stdin) or ask on a terminal. */
async function readPassword(user: string, fromStdin: boolean, io: CommandContext['io']): Promise<string> {
  if (fromStdin) return readPasswordStdin(io.stdin);
  if (!io.isTTY.stdin) throw usageError(`--user ${user} has no password and stdin is not a terminal`, 'use --user USER:PASSWORD or --password-stdin');
  return promptPassword(io, `Password for ${user}: `);
}

function writeLine(ctx: CommandContext, record: object): Promise<void> {
  return writeOut(ctx.io.stdout, `${JSON.stringify(record)}\n`);
}
