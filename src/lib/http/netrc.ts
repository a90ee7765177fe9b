/** A login from a netrc file: `machine HOST login USER password PASS` (or `default`). */
export interface NetrcEntry {
  login: string;
  password: string;
}

/**
 * Finds the credentials for `host` in netrc text, the way curl and ftp read it: tokens
 * separated by whitespace, `machine` entries first-match, `default` as the fallback,
 * `macdef` bodies (up to a blank line) skipped.
 */
export function netrcLookup(text: string, host: string): NetrcEntry | undefined {
  const tokens = tokenize(text);
  let fallback: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t !== 'machine' && t !== 'default') continue;
    const name = t === 'machine' ? tokens[++i] : undefined;
    const entry: Partial<NetrcEntry> = {};
    while (i + 1 < tokens.length && tokens[i + 1] !== 'machine' && tokens[i + 1] !== 'default') {
      const key = tokens[++i];
      const value = tokens[++i];
      if (key === 'login') entry.login = value;
      if (key === 'password') entry.password = value;
    }
    const complete = entry.login !== undefined ? { login: entry.login, password: entry.password ?? '' } : undefined;
    if (name !== undefined && name.toLowerCase() === host.toLowerCase() && complete) return complete;
    if (t === 'default' && complete) fallback ??= complete;
  }
  return fallback;
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const words = (lines[i] ?? '').replace(/^\s*#.*$/, '').match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
    for (const w of words) out.push(w.startsWith('"') ? w.slice(1, -1).replace(/\\(.)/g, '$1') : w);
    if (words[0] === 'macdef') {
      out.pop();
      out.pop();
      while (i + 1 < lines.length && (lines[i + 1] ?? '').trim() !== '') i++;
    }
  }
  return out;
}
