/** One cookie line of a Netscape cookie file (curl -c, browser exports). */
interface Cookie {
  domain: string;
  includeSubdomains: boolean;
  path: string;
  secure: boolean;
  expires: number;
  name: string;
  value: string;
}

/**
 * Parses a Netscape cookie file: seven TAB-separated fields per line (domain, subdomains
 * flag, path, secure, expiry in epoch seconds, name, value); `#HttpOnly_` lines are
 * cookies, other `#` lines comments.
 */
export function parseCookieFile(text: string): Cookie[] {
  const cookies: Cookie[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.startsWith('#HttpOnly_') ? raw.slice('#HttpOnly_'.length) : raw;
    if (line.startsWith('#') || line.trim() === '') continue;
    const f = line.split('\t');
    if (f.length < 7) continue;
    cookies.push({
      domain: f[0]!.toLowerCase().replace(/^\./, ''),
      includeSubdomains: f[1]!.toUpperCase() === 'TRUE' || f[0]!.startsWith('.'),
      path: f[2]!,
      secure: f[3]!.toUpperCase() === 'TRUE',
      expires: Number(f[4]),
      name: f[5]!,
      value: f.slice(6).join('\t'),
    });
  }
  return cookies;
}

/** The `Cookie` header value for `url` (domain, path, secure and expiry matched), or undefined. */
export function cookieHeaderFor(cookies: readonly Cookie[], url: URL, nowMs: number): string | undefined {
  const host = url.hostname.toLowerCase();
  const pairs = cookies
    .filter((c) => host === c.domain || (c.includeSubdomains && host.endsWith(`.${c.domain}`)))
    .filter((c) => url.pathname.startsWith(c.path) && (!c.secure || url.protocol === 'https:'))
    .filter((c) => !(c.expires > 0 && c.expires * 1000 < nowMs))
    .map((c) => `${c.name}=${c.value}`);
  return pairs.length > 0 ? pairs.join('; ') : undefined;
}

export type { Cookie };
