import { createHash } from 'node:crypto';
import { decodePrefix } from './decode-prefix.js';
import type { Footer } from './footer.js';
import { badTocError } from './stargz-errors.js';

/** The TOC's file name inside its tar (eStargz and legacy stargz). */
export const TOC_TAR_NAME = 'stargz.index.json';
/** Largest TOC JSON accepted: ~100 MiB is about 300,000 entries; more is an attack. */
export const MAX_TOC_JSON = 128 * 1024 * 1024;

export interface TocJson {
  /** The JSON text as stored: what the TOC digest covers. */
  bytes: Buffer;
  /** sha256 of `bytes`, "sha256:…", compared with the manifest's toc.digest annotation. */
  digest: string;
  value: unknown;
}

const TAR_BLOCK = 512;

/** Octal tar number field; undefined for base-256 or garbage (not produced by estargz). */
function octal(field: Buffer): number | undefined {
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').trim();
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined;
}

const cString = (field: Buffer): string => {
  const nul = field.indexOf(0);
  return field.toString('utf8', 0, nul < 0 ? field.length : nul);
};

/** The content of the tar member named stargz.index.json (pax headers are skipped). */
function tocFromTar(tar: Buffer, label: string): Buffer {
  for (let at = 0; at + TAR_BLOCK <= tar.length; ) {
    const header = tar.subarray(at, at + TAR_BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header.subarray(124, 136));
    if (size === undefined) throw badTocError(label, 'its tar header has an unreadable size');
    const body = at + TAR_BLOCK;
    const type = String.fromCharCode(header[156] ?? 0);
    if ((type === '0' || type === '\0') && cString(header.subarray(0, 100)) === TOC_TAR_NAME) {
      if (body + size > tar.length) throw badTocError(label, 'the TOC is truncated');
      return tar.subarray(body, body + size);
    }
    at = body + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
  throw badTocError(label, `no ${TOC_TAR_NAME} in the TOC tar`);
}

async function jsonBytes(region: Buffer, footer: Footer, label: string, signal?: AbortSignal): Promise<Buffer> {
  const zstd = footer.format === 'zstdchunked';
  // The tar around the JSON adds a header and padding: a little more than the JSON limit.
  const limit = MAX_TOC_JSON + 4 * TAR_BLOCK;
  const decoded = await decodePrefix(zstd ? 'zstd' : 'gzip', region, limit + 1, signal).catch((err: unknown) => {
    throw badTocError(label, `it does not decompress (${err instanceof Error ? err.message : String(err)})`);
  });
  if (decoded.length > limit) throw badTocError(label, `it is larger than ${MAX_TOC_JSON} bytes`);
  return zstd ? decoded : tocFromTar(decoded, label);
}

/** Decompresses and parses the TOC region (the bytes from the TOC offset to the footer). */
export async function readTocJson(region: Buffer, footer: Footer, label: string, signal?: AbortSignal): Promise<TocJson> {
  const bytes = await jsonBytes(region, footer, label, signal);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw badTocError(label, `its JSON is broken (${(err as Error).message})`);
  }
  return { bytes, digest, value };
}
