/** One `WWW-Authenticate` challenge: scheme and its parameters (realm, service, scope…). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const PARAM = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/gy;

/**
 * Parses `Bearer realm="https://auth.example/token",service="reg",scope="repository:a:pull"`.
 * Only the first challenge is used: registries send one.
 */
export function parseAuthChallenge(header: string | undefined): AuthChallenge | undefined {
  const m = /^\s*([A-Za-z][\w-]*)\s*/.exec(header ?? '');
  if (!m || header === undefined) return undefined;
  const params: Record<string, string> = {};
  PARAM.lastIndex = m[0].length;
  for (let p = PARAM.exec(header); p; p = PARAM.exec(header)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
    const sep = /\s*,\s*/y;
    sep.lastIndex = PARAM.lastIndex;
    if (!sep.test(header)) break;
    PARAM.lastIndex = sep.lastIndex;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}
