import { REDACTED } from './redact-url.js';

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth',
  'x-amz-security-token',
  'x-goog-iam-authorization-token',
]);

/** X-Auth-Token, Private-Token, X-Vault-Token, X-Client-Secret, X-Amz-Signature… */
const SECRET_HEADER_SUFFIX = /(?:^|-)(?:token|secret|password|api-?key|signature|credentials?)$/;

export const isSecretHeader = (name: string): boolean => {
  const n = name.trim().toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_HEADER_SUFFIX.test(n);
};

/** Authorization schemes stay visible ("Bearer ***"): they help debugging and hide nothing. */
const AUTH_SCHEME = /^([A-Za-z][A-Za-z0-9-]*)\s+\S/;

/** The value of header `name` as it may be shown: `***` when the header carries a secret. */
export function redactHeaderValue(name: string, value: string): string {
  if (!isSecretHeader(name)) return value;
  const scheme = /authorization$/i.test(name.trim()) ? AUTH_SCHEME.exec(value.trim()) : null;
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

export type HeaderValue = string | number | readonly string[] | undefined;

/** A copy of a header record (Node, undici or fetch-init style) with secret values hidden. */
export function redactHeaders<H extends Readonly<Record<string, HeaderValue>>>(headers: H): H {
  const out: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] =
      typeof value === 'string'
        ? redactHeaderValue(name, value)
        : Array.isArray(value)
          ? value.map((v: string) => redactHeaderValue(name, v))
          : value;
  }
  return out as H;
}

/** A `Name: value` line, as given to `-H` or printed by a verbose client. */
export function redactHeaderLine(line: string): string {
  const colon = line.indexOf(':');
  if (colon < 0) return line;
  const name = line.slice(0, colon);
  const rest = line.slice(colon + 1);
  const lead = /^\s*/.exec(rest)![0];
  return `${name}:${lead}${redactHeaderValue(name, rest.slice(lead.length))}`;
}
