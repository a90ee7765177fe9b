import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fileBlobSource } from '../../../src/lib/stargz/blob-source.js';
import { openLayer, TOC_DIGEST_ANNOTATION, type StargzLayer } from '../../../src/lib/stargz/open-layer.js';

/** The reference eStargz fixtures (copied from ../shared/fixtures/estargz) and their ground truth. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/estargz/', import.meta.url));

export interface ExpectedFile {
  path: string;
  type: string;
  mode: string | null;
  uid?: number;
  gid?: number;
  mtime?: number;
  size?: number;
  sha256?: string;
  linkName?: string;
  layer: number;
  implicit?: boolean;
}
export interface ExpectedLayerRef {
  name: string;
  digest: string;
  size: number;
  mediaType: string;
  format: string;
  tocDigest: string | null;
  annotated: boolean;
}
export interface ExpectedFetch {
  path: string;
  size: number;
  sha256: string;
  layer: string;
  tocRegionBytes: number;
  compressedSpan?: { start: number; end: number; chunks: number; bytes: number };
}
export interface ExpectedImage {
  repo: string;
  tag: string | null;
  ref: string;
  refByDigest: string;
  expect: 'ok' | 'ok-or-error' | 'error';
  kind: string;
  manifestDigest: string;
  platform?: string;
  platforms?: Record<string, string>;
  fileCount?: number;
  layers?: ExpectedLayerRef[];
  files?: ExpectedFile[];
  fetch?: ExpectedFetch[];
  mustFail?: string[];
}
export interface ExpectedLayer {
  name: string;
  format: string;
  digest: string;
  size: number;
  tocDigest: string | null;
  tocOffset: number | null;
  footerSize: number | null;
  annotations: Record<string, string>;
  tocNames?: string[];
  entries: { path: string; type: string; mode: string; size?: number; sha256?: string; whiteout?: string }[];
}
export interface Expected {
  images: Record<string, ExpectedImage>;
  layers: Record<string, ExpectedLayer>;
}

export const expected = JSON.parse(readFileSync(`${FIXTURES}expected.json`, 'utf8')) as Expected;

export const blobPath = (layer: string): string => `${FIXTURES}blobs/${layer}.blob`;

/** Opens a fixture layer from its local blob, checking the TOC digest its manifest announces. */
export async function openFixtureLayer(name: string, opts: { tailBytes?: number } = {}): Promise<StargzLayer> {
  const source = await fileBlobSource(blobPath(name), name);
  return openLayer(source, { ...opts, tocDigest: expected.layers[name]!.annotations[TOC_DIGEST_ANNOTATION] });
}

/** Images that list files (not the index), with their layer names. */
export const imagesWithFiles = Object.entries(expected.images).filter(([, img]) => img.files !== undefined && img.expect !== 'error');

export const modeString = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');
