import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { RetryInfo } from '../retry/retry-with-policy.js';
import { fileBlobSource, type BlobSource } from '../stargz/blob-source.js';
import type { BasicCredentials } from './docker-config.js';
import { formatReference, parseImageReference } from './image-reference.js';
import { ociLayout, parseLayoutReference } from './oci-layout.js';
import type { Platform } from './platform.js';
import { RegistryClient } from './registry-client.js';
import { resolveImage, type LayerDescriptor } from './resolve-image.js';

/** An image's layers, each readable at random: what stargz-ls and stargz-get work on. */
export interface ImageSource {
  /** The image as named (reference, layout or blob path), for messages. */
  name: string;
  manifestDigest?: string;
  platform?: string;
  layers: { descriptor: LayerDescriptor; source: BlobSource }[];
  /** Authorization values in use, for redaction. */
  secrets(): string[];
}

export interface ImageSourceOptions {
  cwd: string;
  platform: Platform;
  dispatcher: Dispatcher;
  retry: RetryPolicy;
  plainHttp?: boolean;
  credentials?: (registry: string) => Promise<BasicCredentials | undefined>;
  timeoutMs?: number;
  onRetry?: (info: RetryInfo) => void;
}

const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);

/**
 * Opens IMAGE: a local layer blob file, `oci:DIR[:TAG]` (an OCI image layout), or a
 * registry reference `[host[:port]/]repo[:tag|@digest]` resolved through an index to
 * `platform`.
 */
export async function openImageSource(text: string, opts: ImageSourceOptions): Promise<ImageSource> {
  const path = resolve(opts.cwd, text);
  if (await isFile(path)) {
    const source = await fileBlobSource(path, text);
    return { name: text, layers: [{ descriptor: { mediaType: '', digest: '', size: source.size, annotations: {} }, source }], secrets: () => [] };
  }
  if (text.startsWith('oci:')) {
    const [dir, tag] = parseLayoutReference(text);
    const layout = ociLayout(resolve(opts.cwd, dir));
    const image = await resolveImage(layout.fetch, tag ?? '', opts.platform, text);
    const layers = await Promise.all(image.layers.map(async (descriptor) => ({ descriptor, source: await layout.blob(descriptor.digest) })));
    return { name: text, manifestDigest: image.manifestDigest, ...(image.platform ? { platform: image.platform } : {}), layers, secrets: () => [] };
  }
  const ref = parseImageReference(text);
  const client = new RegistryClient(ref.registry, {
    dispatcher: opts.dispatcher,
    retry: opts.retry,
    plainHttp: opts.plainHttp,
    timeoutMs: opts.timeoutMs,
    onRetry: opts.onRetry,
    credentials: opts.credentials && (() => opts.credentials!(ref.registry)),
  });
  const fetch = (reference: string) => client.manifest(ref.repository, reference);
  const image = await resolveImage(fetch, ref.digest ?? ref.tag ?? 'latest', opts.platform, formatReference(ref));
  const layers = image.layers.map((descriptor) => ({ descriptor, source: client.blob(ref.repository, descriptor.digest, descriptor.size) }));
  return { name: formatReference(ref), manifestDigest: image.manifestDigest, ...(image.platform ? { platform: image.platform } : {}), layers, secrets: () => client.secrets };
}
