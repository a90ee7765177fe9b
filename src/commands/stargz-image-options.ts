import { arch } from 'node:os';
import type { Argv } from 'yargs';
import { withRetries, withTimeout, type RetriesArgs, type TimeoutArgs } from '../cli/common-options.js';
import type { CommandArgs, CommandContext } from '../cli/define-command.js';
import { usageError } from '../lib/errors/dl-error.js';
import { createDispatcher } from '../lib/http/dispatcher.js';
import { dockerCredentials, type BasicCredentials } from '../lib/registry/docker-config.js';
import { openImageSource } from '../lib/registry/image-source.js';
import { hostPlatform, parsePlatform } from '../lib/registry/platform.js';
import { errorReason } from '../lib/retry/classify-error.js';
import { retryPolicy } from '../lib/retry/retry-policy.js';
import { openImage, type OpenedImage } from '../lib/stargz/open-image.js';

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

async function readStdin(ctx: CommandContext): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8').replace(/\r?\n$/, '');
}

/** --user (with --password-stdin), else what `docker login` stored for the registry. */
async function credentialSource(args: CommandArgs<ImageArgs>, ctx: CommandContext): Promise<(registry: string) => Promise<BasicCredentials | undefined>> {
  if (args.passwordStdin && args.user === undefined) throw usageError('--password-stdin needs --user', 'e.g. --user me --password-stdin < token.txt');
  if (args.user === undefined) return (registry) => dockerCredentials(registry, ctx.io.env);
  const colon = args.user.indexOf(':');
  if (colon < 0 && !args.passwordStdin) throw usageError('--user USER needs a password', 'add --password-stdin (or give USER:PASSWORD)');
  const basic = colon < 0 ? { user: args.user, password: await readStdin(ctx) } : { user: args.user.slice(0, colon), password: args.user.slice(colon + 1) };
  return () => Promise.resolve(basic);
}

/** Opens IMAGE as the options say; `close` releases the connections. */
export async function openImageFromArgs(text: string, args: CommandArgs<ImageArgs>, ctx: CommandContext): Promise<OpenedImage & { close(): Promise<void> }> {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw usageError('--concurrency must be a whole number ≥ 1');
  const dispatcher = createDispatcher({ env: ctx.io.env, connectTimeoutMs: args.timeout * 1000, connections: args.concurrency + 2 });
  const close = (): Promise<void> => dispatcher.close().catch(() => undefined);
  try {
    const source = await openImageSource(text, {
      cwd: ctx.io.cwd,
      platform: args.platform === undefined ? hostPlatform(arch()) : parsePlatform(args.platform),
      dispatcher,
      retry: retryPolicy({ retries: args.retries }),
      plainHttp: args.plainHttp,
      credentials: await credentialSource(args, ctx),
      timeoutMs: args.timeout * 1000,
      onRetry: (info) => ctx.progress.emit({ type: 'retry', id: text, attempt: info.attempt, delayMs: info.delayMs, reason: errorReason(info.error) }),
    });
    return { ...(await openImage(source, { concurrency: args.concurrency, signal: ctx.signal })), close };
  } catch (err) {
    await close();
    throw err;
  }
}
