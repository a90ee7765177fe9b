/** What replaces a secret everywhere. */
export const REDACTED = '***';

/** Query or fragment parameters that carry credentials (compared in lower case). */
const SECRET_PARAMS = new Set([
  'sig',
  'key',
  'token',
  'auth',
  'code',
  'apikey',
  'password',
  'passwd',
  'pwd',
  'secret',
  'session',
  'sessionid',
  'jwt',
  'awsaccesskeyid',
  'googleaccessid',
  'policy',
]);

/** Names ending like these are secrets too: X-Amz-Signature, access_token, client_secret… */
const SECRET_PARAM_SUFFIX = /(?:^|[-_.])(?:signature|credential|token|secret|password|key|apikey|sig)$/;

export const isSecretParam = (name: string): boolean => {
  const n = name.toLowerCase();
  return SECRET_PARAMS.has(n) || SECRET_PARAM_SUFFIX.test(n);
};

const decodeName = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

/** `a=1&token=x` → `a=1&token=***`; parameters keep their order and spelling. */
export function redactParams(params: string): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      return isSecretParam(decodeName(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/** Scheme and `//` (or just `//`), then userinfo up to the last `@` before the path. */
const AUTHORITY_USERINFO = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)([^/?#]*)@/i;
/** No `//` at all (`user:pass@host/x`): anything shaped like credentials before `@`. */
const BARE_USERINFO = /^[^\s/?#@:]+:[^\s/?#@]*@/;

function redactUserinfo(url: string): string {
  const m = AUTHORITY_USERINFO.exec(url);
  if (m) {
    const creds = m[2]!.includes(':') ? `${REDACTED}:${REDACTED}` : REDACTED;
    return `${m[1]}${creds}@${url.slice(m[0].length)}`;
  }
  return url.replace(BARE_USERINFO, `${REDACTED}:${REDACTED}@`);
}

/**
 * The URL as it may be shown or stored: userinfo and secret query (and fragment)
 * parameters become `***`, everything else is kept byte for byte. Works on the text, not
 * on a parsed URL, so it never throws and never renormalises what the user typed.
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : `#${redactParams(url.slice(hash + 1))}`;
  const q = beforeHash.indexOf('?');
  const base = redactUserinfo(q < 0 ? beforeHash : beforeHash.slice(0, q));
  const query = q < 0 ? '' : `?${redactParams(beforeHash.slice(q + 1))}`;
  return base + query + fragment;
}
