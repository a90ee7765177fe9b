import { DlError } from '../errors/dl-error.js';
import { httpStatusError } from '../retry/http-status-error.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import { drainBody, header, type HttpResponse } from './http-request.js';

const AUTH_HINT =
  'the server wants credentials: pass --user U:P, -H "Authorization: …", DL_BEARER_TOKEN, --netrc or --cookie FILE (or check the ones given)';

/**
 * The DlError for an unwanted answer (drained first so the connection is reused). 401 and
 * 403 are permanent and say which options carry credentials, so a wrong token fails on
 * the first request instead of after a retry storm.
 */
export async function statusError(res: HttpResponse, redactedUrl: string, nowMs = Date.now()): Promise<DlError> {
  await drainBody(res);
  const err = httpStatusError(res.status, redactedUrl, parseRetryAfter(header(res, 'retry-after'), nowMs));
  if (res.status !== 401 && res.status !== 403) return err;
  const challenge = header(res, 'www-authenticate');
  return new DlError(err.message, {
    code: err.code,
    exitCode: err.exitCode,
    retryable: false,
    hint: AUTH_HINT,
    details: { ...err.details, ...(challenge ? { challenge: challenge.split(/\s/)[0] } : {}) },
  });
}
