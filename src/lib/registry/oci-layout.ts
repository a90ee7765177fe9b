import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { fsError } from '../fs/fs-error.js';
import { fileBlobSource, type BlobSource } from '../stargz/blob-source.js';
import { DIGEST } from './image-reference.js';
import { MediaType } from './media-types.js';
import type { ManifestFetcher } from './resolve-image.js';

/** Tag annotation of an OCI layout's index.json entries. */
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface OciLayout {
  fetch: ManifestFetcher;
  blob(digest: string): Promise<BlobSource>;
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** `oci:DIR[:TAG]` → [DIR, TAG]. */
export function parseLayoutReference(text: string): [string, string | undefined] {
  const body = text.slice('oci:'.length);
  const colon = body.lastIndexOf(':');
  return colon > body.lastIndexOf('/') ? [body.slice(0, colon), body.slice(colon + 1)] : [body, undefined];
}

/**
 * An OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`) read like
 * a registry: the reference is a tag from index.json's ref.name annotations, a digest, or
 * '' for the layout's own index (resolved by platform, or its only image).
 */
export function ociLayout(dir: string): OciLayout {
  const blobPath = (digest: string): string => {
    if (!DIGEST.test(digest)) throw new DlError(`${dir}: bad digest ${digest}`, { code: 'DL_ERR_BAD_MANIFEST', exitCode: ExitCode.INTEGRITY, hint: 'the layout is damaged' });
    return join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  };
  const read = (path: string): Promise<Buffer> => readFile(path).catch((err: unknown) => Promise.reject(fsError(err, path, 'read')));
  const fetch: ManifestFetcher = async (reference) => {
    if (reference.startsWith('sha256:')) {
      const bytes = await read(blobPath(reference));
      if (sha256(bytes) !== reference) throw new DlError(`${dir}: blob ${reference} does not match its digest`, { code: 'DL_ERR_INTEGRITY', exitCode: ExitCode.INTEGRITY, hint: 'the layout is damaged' });
      return { mediaType: undefined, digest: reference, bytes };
    }
    const bytes = await read(join(dir, 'index.json'));
    if (reference === '') return { mediaType: MediaType.ociIndex, digest: sha256(bytes), bytes };
    const index = JSON.parse(bytes.toString('utf8')) as { manifests?: { digest: string; annotations?: Record<string, string> }[] };
    const entry = index.manifests?.find((m) => m.annotations?.[REF_NAME] === reference);
    if (!entry) throw new DlError(`${dir}: no image tagged ${reference}`, { code: 'DL_ERR_NOT_FOUND', exitCode: ExitCode.NO_INPUT, hint: `see the ${REF_NAME} annotations in ${join(dir, 'index.json')}` });
    return fetch(entry.digest);
  };
  return { fetch, blob: (digest) => fileBlobSource(blobPath(digest), digest) };
}
