import { isSecretHeader } from '../redact/redact-headers.js';
import { cookieHeaderFor, type Cookie } from './cookie-file.js';
import { netrcLookup } from './netrc.js';

/** Everything that may authenticate a request; loaded by the command, matched here. */
export interface CredentialSources {
  /** `-H 'Name: value'` lines. Secret ones (Authorization, Cookie, *-Token…) are credentials. */
  headers?: readonly string[];
  /** `--user U:P`. */
  basic?: { user: string; password: string };
  /** `DL_BEARER_TOKEN`, HF_TOKEN… */
  bearer?: string;
  /** Contents of a netrc file, looked up by host. */
  netrc?: string;
  /** Cookies from a Netscape cookie file. */
  cookies?: readonly Cookie[];
  now?: () => number;
}

export interface Credentials {
  /**
   * Headers for a request to `url` in a chain the user started at `trustedOrigin` (the URL
   * or mirror they named). Credentials go only to that origin: a redirect elsewhere gets
   * the plain headers, never Authorization, cookies or netrc logins.
   */
  headersFor(url: URL, trustedOrigin: string): Record<string, string>;
  /** Secret values, for redactText. */
  readonly secrets: readonly string[];
}

function splitHeader(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
}

const basicValue = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export function createCredentials(src: CredentialSources = {}): Credentials {
  const given = (src.headers ?? []).map(splitHeader).filter((h): h is [string, string] => h !== undefined);
  const plain = Object.fromEntries(given.filter(([n]) => !isSecretHeader(n)));
  const secret = Object.fromEntries(given.filter(([n]) => isSecretHeader(n)));
  const now = src.now ?? Date.now;
  const secrets = [
    ...Object.values(secret),
    ...(src.basic ? [src.basic.password, basicValue(src.basic.user, src.basic.password)] : []),
    ...(src.bearer ? [src.bearer] : []),
    ...(src.cookies ?? []).map((c) => c.value),
  ].filter((s) => s.length >= 3);

  const authorization = (url: URL): string | undefined => {
    if (src.basic) return basicValue(src.basic.user, src.basic.password);
    if (src.bearer) return `Bearer ${src.bearer}`;
    if (url.username) return basicValue(decodeURIComponent(url.username), decodeURIComponent(url.password));
    const entry = src.netrc === undefined ? undefined : netrcLookup(src.netrc, url.hostname);
    return entry ? basicValue(entry.login, entry.password) : undefined;
  };

  return {
    secrets,
    headersFor(url, trustedOrigin) {
      if (url.origin !== trustedOrigin) return { ...plain };
      const out: Record<string, string> = { ...plain };
      const auth = authorization(url);
      if (auth) out.authorization = auth;
      const cookie = src.cookies ? cookieHeaderFor(src.cookies, url, now()) : undefined;
      if (cookie) out.cookie = cookie;
      return { ...out, ...secret };
    },
  };
}
