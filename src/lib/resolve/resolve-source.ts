import { usageError } from '../errors/dl-error.js';
import { civitai } from './civitai.js';
import { huggingFace } from './hugging-face.js';
import type { ResolveContext, ResolvedSource, Resolver } from './resolver.js';

const RESOLVERS: readonly Resolver[] = [huggingFace, civitai];

/** http(s) URLs as they are; registered schemes through their resolver; anything else refused. */
export async function resolveSource(name: string, ctx: ResolveContext, resolvers: readonly Resolver[] = RESOLVERS): Promise<ResolvedSource> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(name)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return { url: new URL(name).href };
  const resolver = resolvers.find((r) => r.scheme === scheme);
  if (!resolver) {
    const known = ['http', 'https', ...resolvers.map((r) => r.scheme)].join(', ');
    throw usageError(`${name}: not a URL dl-get can fetch`, `use one of: ${known}`);
  }
  return resolver.resolve(name, ctx);
}
