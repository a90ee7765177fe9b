import type { HttpIdentity } from '../checkpoint/source-identity.js';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { header, type HttpResponse } from '../http/http-request.js';
import { redactUrl } from '../redact/redact-url.js';
import { identityOf, ifRangeOf } from './source-check.js';

/** One place the bytes can come from; `identity` is known after its first answer. */
export interface Source {
  url: string;
  primary: boolean;
  identity: HttpIdentity | undefined;
}

/**
 * The URL and its mirrors. Connections are spread over the live sources by worker index.
 * A mirror must agree with the primary on size and (when both send strong ETags) on the
 * ETag, or it is dropped; a mirror that fails for good is dropped too. The primary is
 * never dropped: its failure is the download's.
 */
export class MirrorSet {
  readonly #live: Source[];

  constructor(primary: string, mirrors: readonly string[], readonly identity: HttpIdentity) {
    this.#live = [{ url: primary, primary: true, identity }, ...mirrors.map((url) => ({ url, primary: false, identity: undefined }))];
  }

  pick(worker: number): Source {
    return this.#live[worker % this.#live.length]!;
  }

  drop(source: Source): void {
    const i = this.#live.indexOf(source);
    if (i > 0) this.#live.splice(i, 1);
  }

  get size(): number {
    return this.#live.length;
  }

  ifRange(source: Source): string | undefined {
    return source.identity ? ifRangeOf(source.identity) : undefined;
  }

  /** The identity to check an answer of `source` against, learning a mirror's on first contact. */
  identityFor(source: Source, res: HttpResponse): HttpIdentity {
    // Only a 206 teaches a mirror's identity; anything else is judged against the URL's.
    if (source.identity) return source.identity;
    if (res.status !== 206) return this.identity;
    const theirs = identityOf(source.url, res, this.identity.size);
    const a = this.identity.etag;
    const b = header(res, 'etag');
    if (a && b && !a.startsWith('W/') && !b.startsWith('W/') && a !== b) {
      throw mirrorDisagrees(source.url, `its ETag ${b} is not ${a}`);
    }
    source.identity = theirs;
    return theirs;
  }
}

export const mirrorDisagrees = (url: string, why: string): DlError =>
  new DlError(`mirror ${redactUrl(url)} does not serve the same file: ${why}`, {
    code: 'DL_ERR_MIRROR_MISMATCH',
    exitCode: ExitCode.UNAVAILABLE,
    hint: 'remove that --mirror',
  });
