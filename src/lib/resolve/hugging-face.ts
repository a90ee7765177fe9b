import { usageError } from '../errors/dl-error.js';
import type { Resolver } from './resolver.js';

const REPO_KINDS = new Set(['datasets', 'spaces']);

/**
 * `hf://OWNER/REPO/PATH[@REV]` (also `hf://datasets/OWNER/REPO/…`) → the Hub's
 * `/resolve/REV/PATH` URL on HF_ENDPOINT (default https://huggingface.co), with HF_TOKEN.
 * The Hub redirects to its CDN; the token stays with the Hub's origin.
 */
export const huggingFace: Resolver = {
  scheme: 'hf',
  resolve(name, { env }) {
    const parts = name.slice('hf://'.length).split('/');
    const kind = REPO_KINDS.has(parts[0] ?? '') ? `${parts.shift()}/` : '';
    const [owner, repo, ...rest] = parts;
    let path = rest.join('/');
    const at = path.lastIndexOf('@');
    const rev = at > path.lastIndexOf('/') ? path.slice(at + 1) : 'main';
    if (at > path.lastIndexOf('/')) path = path.slice(0, at);
    if (!owner || !repo || !path || !rev) throw usageError(`${name}: expected hf://OWNER/REPO/PATH[@REV]`);
    const endpoint = (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
    const enc = (s: string): string => s.split('/').map(encodeURIComponent).join('/');
    const url = `${endpoint}/${kind}${enc(owner)}/${enc(repo)}/resolve/${encodeURIComponent(rev)}/${enc(path)}`;
    return Promise.resolve({ url, ...(env.HF_TOKEN ? { bearer: env.HF_TOKEN } : {}) });
  },
};
