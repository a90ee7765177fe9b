/**
 * NODE_EXTRA_CA_CERTS as bin/<tool>.js hands it over, in DLKIT_EXTRA_CA_CERTS so that Node
 * does not parse every root certificate at start (why: src/cli/launch.ts): trusted here
 * from the first https connection, as Node would have trusted it.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { buildConnector as BuildConnector } from 'undici';
import { buildConnector } from './undici-agents.js';

/** Where the launcher left NODE_EXTRA_CA_CERTS, when it did. */
export const deferredExtraCaFile = (env: Readonly<Record<string, string | undefined>> | undefined): string | undefined =>
  env?.DLKIT_EXTRA_CA_CERTS || undefined;

/** How a file that can't be used is reported (a `warn` event). */
export type ExtraCaWarn = (code: string, message: string) => void;

const contexts = new Map<string, SecureContext | undefined>();

/**
 * The default trust store plus the certificates in `file`, made once per file. Like Node,
 * a file that can't be used is warned about and ignored: undefined.
 */
export function extraCaContext(file: string, warn: ExtraCaWarn): SecureContext | undefined {
  if (!contexts.has(file)) contexts.set(file, loadContext(file, warn));
  return contexts.get(file);
}

function loadContext(file: string, warn: ExtraCaWarn): SecureContext | undefined {
  try {
    const pem = readFileSync(file, 'latin1');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    const context = createSecureContext();
    // What Node does with the variable: the default roots, then these added (a copy of the
    // store is made for this context). `ca:` would replace the defaults instead.
    (context.context as { addCACert(pem: string): void }).addCACert(pem);
    return context;
  } catch (err) {
    warn('DL_WARN_EXTRA_CA_CERTS', `ignoring extra certs from NODE_EXTRA_CA_CERTS=${file}: ${(err as Error).message} (fix or unset the variable)`);
    return undefined;
  }
}

/** undici's connector, with `file`'s certificates trusted by https connections; read at the first. */
export function connectWithExtraCa(options: BuildConnector.BuildOptions, file: string, warn: ExtraCaWarn): BuildConnector.connector {
  const plain = buildConnector(options);
  let secure: BuildConnector.connector | undefined;
  return (opts, callback) => {
    if (opts.protocol !== 'https:') return plain(opts, callback);
    secure ??= buildConnector({ ...options, secureContext: extraCaContext(file, warn) } as BuildConnector.BuildOptions);
    return secure(opts, callback);
  };
}
