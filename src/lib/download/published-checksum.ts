import { DlError, ExitCode } from '../errors/dl-error.js';
import type { Algorithm } from '../hash/algorithms.js';
import { parseSumsLine, UNTAGGED_BY_LENGTH } from '../hash/sums-parse.js';
import { discardBody, drainBody } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import type { DownloadOptions } from './download-options.js';
import { sourceRequest } from './range-request.js';

const MAX_TEXT = 1024 * 1024;
/** Looked for beside the URL by --auto-checksum, in this order. */
const SIDECARS = ['.sha256', '.sha512', '.sha1', '.md5'];
const LISTS = ['SHA256SUMS', 'SHA512SUMS', 'MD5SUMS'];

export interface PublishedDigest {
  algorithm: Algorithm;
  digest: string;
  /** The checksum file it came from (redacted). */
  source: string;
}

/**
 * The digest a checksum file publishes for `fileName`: a SUMS list (GNU, BSD tag or
 * OpenSSL lines) naming it, or a file holding just one digest (with or without a name).
 * Undefined when the text names other files only.
 */
export function digestFromText(text: string, fileName: string): Omit<PublishedDigest, 'source'> | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const entries = lines.map((l, i) => parseSumsLine(l, i + 1)).filter((e) => e !== undefined);
  const named = entries.find((e) => e.name.split('/').pop() === fileName);
  if (named) return { algorithm: named.algorithm, digest: named.digest };
  const bare = lines.length === 1 ? lines[0]!.trim().split(/\s+/)[0]!.toLowerCase() : '';
  const algorithm = /^[0-9a-f]+$/.test(bare) ? UNTAGGED_BY_LENGTH.get(bare.length) : undefined;
  if (algorithm) return { algorithm, digest: bare };
  return entries.length === 1 && lines.length === 1 ? { algorithm: entries[0]!.algorithm, digest: entries[0]!.digest } : undefined;
}

/**
 * Fetches a small text file; undefined when it is not there (404, 410, or with `probing`
 * any 4xx: a guessed name may well be refused), a DlError for other failures.
 */
async function fetchText(opts: DownloadOptions, url: string, probing = false): Promise<string | undefined> {
  const res = await sourceRequest(opts, url, opts.signal, {});
  if (res.status === 404 || res.status === 410 || (probing && res.status >= 400 && res.status < 500)) {
    await drainBody(res);
    return undefined;
  }
  if (res.status !== 200) throw await statusError(res, redactUrl(url));
  const length = Number(res.headers['content-length'] ?? 0);
  if (length > MAX_TEXT) {
    discardBody(res);
    throw notAChecksum(url, 'it is too large for a checksum file');
  }
  return res.body.text();
}

const notAChecksum = (url: string, why: string): DlError =>
  new DlError(`${redactUrl(url)} gives no digest to check: ${why}`, {
    code: 'DL_ERR_NO_CHECKSUM',
    exitCode: ExitCode.NO_INPUT,
    hint: 'check the checksum URL, or give the digest with --expect ALGO:HEX',
  });

/** `--checksum-url URL`: the digest it publishes for `fileName`, or a DlError (exit 66). */
export async function checksumFromUrl(opts: DownloadOptions, url: string, fileName: string): Promise<PublishedDigest> {
  const text = await fetchText(opts, url);
  if (text === undefined) throw notAChecksum(url, 'not found');
  const found = digestFromText(text, fileName);
  if (!found) throw notAChecksum(url, `no line for ${fileName}`);
  return { ...found, source: redactUrl(url) };
}

/** `--auto-checksum`: URL.sha256 (…) beside the file, then SHA256SUMS (…) in its directory. */
export async function checksumBeside(opts: DownloadOptions, fileUrl: string, fileName: string): Promise<PublishedDigest> {
  const u = new URL(fileUrl);
  const candidates = [
    ...SIDECARS.map((ext) => Object.assign(new URL(u.href), { pathname: `${u.pathname}${ext}` }).href),
    ...LISTS.map((list) => new URL(list, u).href),
  ];
  for (const url of candidates) {
    const text = await fetchText(opts, url, true);
    const found = text === undefined ? undefined : digestFromText(text, fileName);
    if (found) return { ...found, source: redactUrl(url) };
  }
  throw notAChecksum(fileUrl, `none of ${SIDECARS.join(', ')} beside it, nor ${LISTS.join(', ')} in its directory, names ${fileName}`);
}
