import type { Dispatcher } from 'undici';
import { DlError, ExitCode } from '../errors/dl-error.js';
import type { Credentials } from '../http/credentials.js';
import { drainBody, httpRequest } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import type { AuthChallenge } from './auth-challenge.js';
import type { BasicCredentials } from './docker-config.js';

/** The hint of every authentication failure: where registry credentials come from. */
export const LOGIN_HINT = 'log in (docker login HOST, which stargz tools read from $DOCKER_CONFIG/config.json), or pass --user USER --password-stdin';

/** An Authorization value sent only to the origin a request chain started at. */
export function authorizationFor(value: string | undefined): Credentials | undefined {
  if (value === undefined) return undefined;
  return { secrets: [value, value.replace(/^\S+\s+/, '')], headersFor: (url, trusted): Record<string, string> => (url.origin === trusted ? { authorization: value } : {}) };
}

const basicValue = (c: BasicCredentials): string => `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`;

export function unauthorizedError(registry: string, why: string): DlError {
  return new DlError(`${registry}: ${why}`, { code: 'DL_ERR_UNAUTHORIZED', exitCode: ExitCode.UNAVAILABLE, hint: LOGIN_HINT, details: { registry } });
}

export interface TokenRequest {
  dispatcher: Dispatcher;
  registry: string;
  challenge: AuthChallenge;
  scope: string;
  credentials: BasicCredentials | undefined;
  signal?: AbortSignal;
  timeoutMs: number;
}

/**
 * The Authorization value that answers a challenge. Basic: the credentials. Bearer: a
 * token from the realm for this scope (the distribution token flow), asked with the
 * credentials when there are some, anonymously otherwise.
 */
export async function answerChallenge(req: TokenRequest): Promise<string> {
  const { challenge, credentials, registry } = req;
  if (challenge.scheme === 'basic') {
    if (!credentials) throw unauthorizedError(registry, 'the registry wants a user name and password');
    return basicValue(credentials);
  }
  if (challenge.scheme !== 'bearer' || !challenge.params.realm) throw unauthorizedError(registry, `unsupported authentication "${challenge.scheme}"`);
  const url = new URL(challenge.params.realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  url.searchParams.set('scope', req.scope);
  const res = await httpRequest({
    dispatcher: req.dispatcher,
    url: url.href,
    headers: { accept: 'application/json' },
    credentials: authorizationFor(credentials && basicValue(credentials)),
    signal: req.signal,
    headersTimeoutMs: req.timeoutMs,
    stallTimeoutMs: req.timeoutMs,
  });
  if (res.status === 401 || res.status === 403) {
    await drainBody(res);
    throw unauthorizedError(registry, `the token service refused ${credentials ? 'these credentials' : 'anonymous access'} to ${req.scope}`);
  }
  if (res.status !== 200) throw await statusError(res, redactUrl(url.href));
  const body = (await res.body.json().catch(() => ({}))) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw unauthorizedError(registry, `the token service at ${redactUrl(url.origin)} answered without a token`);
  return `Bearer ${token}`;
}
