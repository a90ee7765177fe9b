import { arch } from 'node:os';
import type { Dispatcher } from 'undici';
import type { Argv } from 'yargs';
import { withRetries, withTimeout, type RetriesArgs, type TimeoutArgs } from '../cli/common-options.js';
import type { CommandArgs, CommandContext, PositionalArgs } from '../cli/define-command.js';
import type { Io } from '../cli/io.js';
import { readPasswordStdin } from '../cli/read-password.js';
import { usageError } from '../lib/errors/dl-error.js';
import { createDispatcher } from '../lib/http/dispatcher.js';
import { dockerCredentials, type BasicCredentials } from '../lib/registry/docker-config.js';
import { openImageSource } from '../lib/registry/image-source.js';
import { hostPlatform, parsePlatform } from '../lib/registry/platform.js';
import { errorReason } from '../lib/retry/classify-error.js';
import { retryPolicy } from '../lib/retry/retry-policy.js';
import type { RetryInfo } from '../lib/retry/retry-with-policy.js';
import { baseOf, cleanEntryName } from '../lib/stargz/entry-name.js';
import { openImage, type OpenedImage } from '../lib/stargz/open-image.js';
import { entriesUnder, isGlob } from '../lib/stargz/select-entries.js';

/** Options stargz-ls and stargz-get share: where the image is and how to reach it. */
export interface ImageArgs extends RetriesArgs, TimeoutArgs {
  platform: string | undefined;
  'plain-http': boolean | undefined;
  user: string | undefined;
  'password-stdin': boolean;
  concurrency: number;
}

export const withImageOptions = <T>(y: Argv<T>): Argv<T & ImageArgs> =>
  withTimeout(withRetries(y))
    .option('platform', { type: 'string', requiresArg: true, describe: 'image of an index to use, OS/ARCH[/VARIANT] (default: this machine)' })
    .option('plain-http', { type: 'boolean', describe: 'talk http, not https, to the registry (default for localhost and 127.x)' })
    .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'registry user, USER or USER:PASSWORD (default: docker login credentials)' })
    .option('password-stdin', { type: 'boolean', default: false, describe: 'read the password for --user from stdin' })
    .option('concurrency', { type: 'number', default: 4, requiresArg: true, describe: 'ranged reads in flight at once' }) as unknown as Argv<T & ImageArgs>;

/** --user (with --password-stdin), else what `docker login` stored for the registry. */
async function credentialSource(args: CommandArgs<ImageArgs>, ctx: CommandContext): Promise<(registry: string) => Promise<BasicCredentials | undefined>> {
  if (args.passwordStdin && args.user === undefined) throw usageError('--password-stdin needs --user', 'e.g. --user me --password-stdin < token.txt');
  if (args.user === undefined) return (registry) => dockerCredentials(registry, ctx.io.env);
  const given = userPassword(args.user);
  if (!given && !args.passwordStdin) throw usageError('--user USER needs a password', 'add --password-stdin (or give USER:PASSWORD)');
  const basic = given ?? { user: args.user, password: await readPasswordStdin(ctx.io.stdin) };
  return () => Promise.resolve(basic);
}

/** --user USER:PASSWORD as credentials; undefined without a password. */
function userPassword(user: string): BasicCredentials | undefined {
  const colon = user.indexOf(':');
  return colon < 0 ? undefined : { user: user.slice(0, colon), password: user.slice(colon + 1) };
}

interface OpenSettings {
  cwd: string;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  retries: number;
  timeoutMs: number;
  credentials: (registry: string) => Promise<BasicCredentials | undefined>;
  onRetry?: (info: RetryInfo) => void;
  /** Regular files to be read whole: their reads start early (openImage). */
  prefetch?: readonly string[];
}

async function openWith(text: string, args: Partial<ImageArgs>, s: OpenSettings): Promise<OpenedImage> {
  const source = await openImageSource(text, {
    cwd: s.cwd,
    platform: args.platform === undefined ? hostPlatform(arch()) : parsePlatform(args.platform),
    dispatcher: s.dispatcher,
    retry: retryPolicy({ retries: s.retries }),
    plainHttp: args['plain-http'],
    credentials: s.credentials,
    timeoutMs: s.timeoutMs,
    onRetry: s.onRetry,
  });
  return openImage(source, { concurrency: args.concurrency, signal: s.signal, prefetch: s.prefetch });
}

/**
 * Opens IMAGE as the options say; `close` releases the connections. `prefetch`: regular
 * files the caller will read whole, whose first reads start while the TOCs are indexed.
 */
export async function openImageFromArgs(text: string, args: CommandArgs<ImageArgs>, ctx: CommandContext, prefetch?: readonly string[]): Promise<OpenedImage & { close(): Promise<void> }> {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw usageError('--concurrency must be a whole number ≥ 1');
  const dispatcher = createDispatcher({ env: ctx.io.env, warn: ctx.warn, connectTimeoutMs: args.timeout * 1000, connections: args.concurrency + 2 });
  const close = (): Promise<void> => dispatcher.close().catch(() => undefined);
  try {
    const opened = await openWith(text, args, {
      cwd: ctx.io.cwd,
      dispatcher,
      signal: ctx.signal,
      retries: args.retries,
      timeoutMs: args.timeout * 1000,
      credentials: await credentialSource(args, ctx),
      onRetry: (info) => ctx.progress.emit({ type: 'retry', id: text, attempt: info.attempt, delayMs: info.delayMs, reason: errorReason(info.error) }),
      prefetch,
    });
    return { ...opened, close: () => (opened.dropPrefetched(), close()) };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A TAB press waits this long at most for the image's TOCs. */
const COMPLETION_BUDGET_MS = 3000;

/**
 * Shell completion: after IMAGE (left to the shell's file names: it may be a blob file or
 * an OCI layout), the image's paths one directory level at a time, directories ending in
 * '/'. It never waits on anyone: no stdin, no credential helpers (they may prompt), only
 * a --user USER:PASSWORD on the line; no retries, and it gives up after a few seconds.
 */
export async function completeImagePath(current: string, args: PositionalArgs<ImageArgs>, io: Io): Promise<string[]> {
  const [image] = args._;
  if (image === undefined || isGlob(current)) return [];
  const typedDir = current.slice(0, current.lastIndexOf('/') + 1);
  const dir = cleanEntryName(typedDir);
  if (dir === undefined) return [];
  const basic = typeof args.user === 'string' ? userPassword(args.user) : undefined;
  const signal = AbortSignal.any([io.signal, AbortSignal.timeout(COMPLETION_BUDGET_MS)]);
  const dispatcher = createDispatcher({ env: io.env, connectTimeoutMs: COMPLETION_BUDGET_MS });
  const opening = openWith(image, args, { cwd: io.cwd, dispatcher, signal, retries: 0, timeoutMs: COMPLETION_BUDGET_MS, credentials: () => Promise.resolve(basic) });
  // The manifest requests take no signal: stop waiting for them at the deadline too.
  const deadline = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  const opened = await Promise.race([opening, deadline]).finally(() => dispatcher.destroy().catch(() => undefined));
  const base = current.slice(typedDir.length);
  return entriesUnder(opened.files, dir, false)
    .filter((e) => baseOf(e.path).startsWith(base))
    .map((e) => `${typedDir}${baseOf(e.path)}${e.type === 'dir' ? '/' : ''}`);
}
