import { usageError } from '../errors/dl-error.js';

/** `[host[:port]/]repo[:tag|@digest]`, resolved with Docker Hub's defaults. */
export interface ImageReference {
  /** Host (and port) to talk to: registry-1.docker.io for Docker Hub. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'registry-1.docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;

const hint = 'e.g. alpine, ghcr.io/owner/app:1.2, localhost:5000/app@sha256:…';

/** Like docker: the first component is a host when it has a dot or a port, or is localhost. */
function splitHost(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost')) return [first, name.slice(slash + 1)];
  return ['docker.io', name];
}

export function parseImageReference(text: string): ImageReference {
  const at = text.indexOf('@');
  const digest = at < 0 ? undefined : text.slice(at + 1);
  const rest = at < 0 ? text : text.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  const [host, path] = splitHost(hasTag ? rest.slice(0, colon) : rest);
  const hub = HUB_ALIASES.has(host);
  const repository = hub && !path.includes('/') ? `library/${path}` : path;
  if (digest !== undefined && !DIGEST.test(digest)) throw usageError(`${text}: the digest must be sha256: and 64 hex digits`, hint);
  if (tag !== undefined && !TAG.test(tag)) throw usageError(`${text}: bad tag "${tag}"`, hint);
  if (repository === '' || !repository.split('/').every((c) => COMPONENT.test(c))) {
    throw usageError(`${text}: not an image reference (repository names are lower-case letters, digits and . _ - /)`, hint);
  }
  return { registry: hub ? DOCKER_HUB : host, repository, ...(tag === undefined && digest === undefined ? { tag: 'latest' } : {}), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The reference as users write it (Docker Hub's host and library/ left out). */
export function formatReference(ref: ImageReference): string {
  const hub = ref.registry === DOCKER_HUB;
  const repo = hub && ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository;
  return `${hub ? '' : `${ref.registry}/`}${repo}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Loopback registries speak plain http unless told otherwise, as docker does. */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
