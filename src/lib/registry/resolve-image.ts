import { DlError, ExitCode } from '../errors/dl-error.js';
import { isIndexType, isManifestType } from './media-types.js';
import { formatPlatform, platformMatches, type Platform } from './platform.js';

/** A layer as a manifest lists it. */
export interface LayerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

export interface ResolvedImage {
  /** The image manifest's digest (the platform's, when the reference named an index). */
  manifestDigest: string;
  mediaType: string;
  layers: LayerDescriptor[];
  /** Set when an index was resolved. */
  indexDigest?: string;
  platform?: string;
}

/** Fetches a manifest by tag or digest: from a registry, or from an OCI layout. */
export type ManifestFetcher = (reference: string) => Promise<{ mediaType: string | undefined; digest: string; bytes: Buffer }>;

interface IndexJson {
  mediaType?: string;
  manifests?: { mediaType?: string; digest?: string; platform?: Platform }[];
}
interface ManifestJson {
  mediaType?: string;
  layers?: { mediaType?: string; digest?: string; size?: number; annotations?: Record<string, string> }[];
}

const badManifest = (what: string, why: string): DlError =>
  new DlError(`${what}: ${why}`, { code: 'DL_ERR_BAD_MANIFEST', exitCode: ExitCode.INTEGRITY, hint: 'the image is not an OCI or Docker schema 2 image' });

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw badManifest(what, 'not JSON');
  }
}

/** The manifest for `platform` in an index; the first entry is not assumed to be the right one. */
function pickPlatform(index: IndexJson, platform: Platform, what: string): string {
  const entries = index.manifests ?? [];
  // An OCI layout's index often lists one image and no platform: that one is meant.
  if (entries.length === 1 && !entries[0]!.platform && entries[0]!.digest) return entries[0]!.digest;
  const found = entries.find((m) => m.digest && platformMatches(m.platform, platform));
  if (found?.digest) return found.digest;
  const offered = entries.map((m) => (m.platform ? formatPlatform(m.platform) : '?')).join(', ');
  throw new DlError(`${what}: no image for ${formatPlatform(platform)} (it has ${offered || 'none'})`, {
    code: 'DL_ERR_NO_PLATFORM',
    exitCode: ExitCode.UNAVAILABLE,
    hint: 'choose one of those with --platform OS/ARCH[/VARIANT]',
  });
}

function layersOf(manifest: ManifestJson, what: string): LayerDescriptor[] {
  if (!Array.isArray(manifest.layers)) throw badManifest(what, 'it lists no layers');
  return manifest.layers.map((l, i) => {
    if (typeof l.digest !== 'string' || !Number.isSafeInteger(l.size) || (l.size as number) < 0) throw badManifest(what, `layer ${i} has no digest or size`);
    return { mediaType: l.mediaType ?? '', digest: l.digest, size: l.size as number, annotations: l.annotations ?? {} };
  });
}

/** Follows a reference to an image manifest: through an index to `platform` when needed. */
export async function resolveImage(fetch: ManifestFetcher, reference: string, platform: Platform, what: string): Promise<ResolvedImage> {
  const root = await fetch(reference);
  const rootJson = parseJson<IndexJson & ManifestJson>(root.bytes, what);
  const rootType = rootJson.mediaType ?? root.mediaType;
  if (isIndexType(rootType) || (rootType === undefined && Array.isArray(rootJson.manifests))) {
    const digest = pickPlatform(rootJson, platform, what);
    const child = await fetch(digest);
    const json = parseJson<ManifestJson>(child.bytes, what);
    return { manifestDigest: child.digest, mediaType: json.mediaType ?? child.mediaType ?? '', layers: layersOf(json, what), indexDigest: root.digest, platform: formatPlatform(platform) };
  }
  if (rootType !== undefined && !isManifestType(rootType)) throw badManifest(what, `unsupported media type ${rootType}`);
  return { manifestDigest: root.digest, mediaType: rootType ?? '', layers: layersOf(rootJson, what) };
}
