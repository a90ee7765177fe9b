import { isSecretHeader, redactHeaderValue } from './redact-headers.js';
import { isSecretParam, REDACTED, redactUrl } from './redact-url.js';

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** Bearer tokens always; after "Basic", anything but a plain lower-case word ("Basic authentication"). */
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/-]+=*/gi;
const BASIC = /\b(Basic|basic|BASIC)\s+(?![a-z]+(?![A-Za-z0-9._~+/=-]))[A-Za-z0-9._~+/-]+=*/g;
/** `password=hunter2` outside any URL, e.g. in a connection string. */
const PARAM_IN_TEXT = /([A-Za-z0-9_.-]+)=([^\s&;,"'#]+)/g;
/** `Name:` where Name could be a header; only secret ones are touched. */
const HEADER_NAME = /\b([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*/g;
/** In prose, "token:" or "secret:" is mostly a word; one-word names count only when unambiguous. */
const ONE_WORD_SECRET_NAME = /^(?:authorization|cookie|apikey|password|passwd)$/i;
const isSecretNameInText = (name: string): boolean =>
  isSecretHeader(name) && (name.includes('-') || ONE_WORD_SECRET_NAME.test(name));

function redactKnown(s: string, knownSecrets: readonly string[]): string {
  const forms = knownSecrets
    .filter((k) => k.length > 0)
    .flatMap((k) => [k, encodeURIComponent(k)])
    .sort((a, b) => b.length - a.length);
  return forms.reduce((acc, secret) => acc.split(secret).join(REDACTED), s);
}

/** `Cookie: a=1; b=2` up to the end of the line; a header name inside an earlier value is found too. */
function redactHeaderLines(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(HEADER_NAME)) {
    if (m.index < last || !isSecretNameInText(m[1]!)) continue;
    const valueStart = m.index + m[0].length;
    const eol = s.slice(valueStart).search(/[\r\n]/);
    const valueEnd = eol < 0 ? s.length : valueStart + eol;
    out += s.slice(last, valueStart) + redactHeaderValue(m[1]!, s.slice(valueStart, valueEnd));
    last = valueEnd;
  }
  return out + s.slice(last);
}

/**
 * Free text (an error message from a library, a log line) with the secrets in it hidden:
 * the known secret values (and their URL-encoded forms), URLs via redactUrl, secret
 * header lines, Bearer/Basic credentials and `secret=value` pairs. Errs on hiding too much.
 */
export function redactText(s: string, knownSecrets: readonly string[] = []): string {
  let out = redactKnown(s, knownSecrets);
  // URLs first, so `https://token:x@host` is not mistaken for a "token:" header line.
  out = out.replace(URL_IN_TEXT, (url) => redactUrl(url));
  out = redactHeaderLines(out);
  out = out.replace(BEARER, `$1 ${REDACTED}`).replace(BASIC, `$1 ${REDACTED}`);
  return out.replace(PARAM_IN_TEXT, (pair, name: string) => (isSecretParam(name) ? `${name}=${REDACTED}` : pair));
}
