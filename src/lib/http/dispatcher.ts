import type { Dispatcher } from 'undici';
import { keepWasmOnBaseline } from '../v8/wasm-tier-up.js';
import { connectWithExtraCa, deferredExtraCaFile, extraCaContext } from './extra-ca-certs.js';
import { Agent, EnvHttpProxyAgent } from './undici-agents.js';

export interface DispatcherOptions {
  /** `--proxy URL`: every request goes through it (no_proxy still applies). */
  proxy?: string;
  /** Environment to read http_proxy, https_proxy, no_proxy, ALL_PROXY and DLKIT_EXTRA_CA_CERTS from (never process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Skip TLS certificate verification (`--insecure`); the command warns. */
  insecure?: boolean;
  connectTimeoutMs?: number;
  /** Open connections per origin; segments need one each. */
  connections?: number;
  /** Where a problem that does not stop the command goes (a NODE_EXTRA_CA_CERTS that can't be read). */
  warn?: (code: string, message: string) => void;
}

const pick = (env: DispatcherOptions['env'], ...names: string[]): string | undefined =>
  names.map((n) => env?.[n]).find((v) => v !== undefined && v !== '');

/** The proxy settings found in `env` and `--proxy`, or undefined when there are none. */
export function proxySettings(opts: DispatcherOptions): { httpProxy: string; httpsProxy: string; noProxy: string } | undefined {
  const all = pick(opts.env, 'ALL_PROXY', 'all_proxy');
  const httpProxy = opts.proxy ?? pick(opts.env, 'http_proxy', 'HTTP_PROXY') ?? all;
  const httpsProxy = opts.proxy ?? pick(opts.env, 'https_proxy', 'HTTPS_PROXY') ?? all;
  if (httpProxy === undefined && httpsProxy === undefined) return undefined;
  // Empty strings, not undefined: undici would otherwise fall back to process.env.
  return { httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy: pick(opts.env, 'no_proxy', 'NO_PROXY') ?? '' };
}

/**
 * The one dispatcher a command uses: pooled keep-alive connections, TLS verified unless
 * told otherwise, and EnvHttpProxyAgent when a proxy is configured. Timeouts on bodies
 * and headers are set per request (see httpRequest).
 */
export function createDispatcher(opts: DispatcherOptions = {}): Dispatcher {
  keepWasmOnBaseline(); // for undici's HTTP parser (why: src/lib/v8/wasm-tier-up.ts)
  const tls = { timeout: opts.connectTimeoutMs ?? 30_000, rejectUnauthorized: !opts.insecure };
  const extraCa = deferredExtraCaFile(opts.env);
  const warn = opts.warn ?? ((): void => undefined);
  const common = {
    connections: opts.connections ?? 32,
    keepAliveTimeout: 30_000,
    connect: extraCa ? connectWithExtraCa(tls, extraCa, warn) : tls,
  };
  const proxy = proxySettings(opts);
  if (!proxy) return new Agent(common);
  // Through a proxy undici builds its own TLS settings for the tunnelled request and for
  // the proxy itself, ignoring `connect`: --insecure has to reach both, and so do extra CA
  // certificates (read now: these settings are objects, copied when the agent is made).
  const proxyTls = extraCa ? { ...tls, secureContext: extraCaContext(extraCa, warn) } : tls;
  return new EnvHttpProxyAgent({ ...common, ...proxy, requestTls: proxyTls, proxyTls });
}
