import { stat } from 'node:fs/promises';
import { fsError } from '../fs/fs-error.js';
import { redactUrl } from '../redact/redact-url.js';

/**
 * What a checkpoint's bytes came from. Resuming is allowed only onto the same source, so a
 * changed one is never spliced into a corrupt result.
 */
export type SourceIdentity = HttpIdentity | FileIdentity | DeviceIdentity;

export interface HttpIdentity {
  type: 'http';
  /** Stored redacted (see redactIdentity): presigned queries change on every signing. */
  url: string;
  etag?: string;
  lastModified?: string;
  size: number;
}

export interface FileIdentity {
  type: 'file';
  path: string;
  size: number;
  mtimeMs: number;
}

/** A drive is more than its /dev name, which may change between plug-ins. */
export interface DeviceIdentity {
  type: 'device';
  path: string;
  serial?: string;
  size: number;
  busPath?: string;
}

const isWeak = (etag: string): boolean => etag.startsWith('W/');

/**
 * Same URL (compared redacted) and size, and a validator that proves the same content: an
 * equal strong ETag, else an equal Last-Modified. Differing ETags, weak or not, mean a
 * change; a weak ETag alone never counts as a match; no validator at all is no proof.
 */
function sameHttp(a: HttpIdentity, b: HttpIdentity): boolean {
  if (redactUrl(a.url) !== redactUrl(b.url) || a.size !== b.size) return false;
  if (a.etag !== undefined && b.etag !== undefined) {
    if (a.etag !== b.etag) return false;
    if (!isWeak(a.etag)) return true;
  }
  return a.lastModified !== undefined && a.lastModified === b.lastModified;
}

/** Size, and every hardware attribute both sides know; the /dev path only when they know none. */
function sameDevice(a: DeviceIdentity, b: DeviceIdentity): boolean {
  if (a.size !== b.size) return false;
  const known = (['serial', 'busPath'] as const).filter((k) => a[k] !== undefined && b[k] !== undefined);
  return known.length > 0 ? known.every((k) => a[k] === b[k]) : a.path === b.path;
}

export function sameIdentity(a: SourceIdentity, b: SourceIdentity): boolean {
  switch (a.type) {
    case 'http':
      return b.type === 'http' && sameHttp(a, b);
    case 'file':
      return b.type === 'file' && a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs;
    case 'device':
      return b.type === 'device' && sameDevice(a, b);
  }
}

/** The identity as it may be written to disk or shown: no credentials in the URL. */
export const redactIdentity = (id: SourceIdentity): SourceIdentity =>
  id.type === 'http' ? { ...id, url: redactUrl(id.url) } : id;

export async function identityOfFile(path: string): Promise<FileIdentity> {
  try {
    const st = await stat(path);
    return { type: 'file', path, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    throw fsError(err, path, 'stat');
  }
}

const isSize = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const optString = (x: unknown): boolean => x === undefined || typeof x === 'string';

/** Checks untrusted JSON (a checkpoint on disk) is a SourceIdentity; throws saying why not. */
export function parseSourceIdentity(x: unknown): SourceIdentity {
  const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  const ok =
    (o.type === 'http' && typeof o.url === 'string' && optString(o.etag) && optString(o.lastModified) && isSize(o.size)) ||
    (o.type === 'file' && typeof o.path === 'string' && isSize(o.size) && typeof o.mtimeMs === 'number') ||
    (o.type === 'device' && typeof o.path === 'string' && optString(o.serial) && optString(o.busPath) && isSize(o.size));
  if (!ok) throw new TypeError(`not a valid source identity (type ${JSON.stringify(o.type)})`);
  return o as unknown as SourceIdentity;
}
