import { usageError } from '../errors/dl-error.js';
import type { Resolver } from './resolver.js';

/**
 * `civitai://MODEL_VERSION_ID` → `/api/download/models/ID` on CIVITAI_ENDPOINT (default
 * https://civitai.com), with CIVITAI_TOKEN. The API redirects to signed storage URLs; the
 * token stays with the API's origin.
 */
export const civitai: Resolver = {
  scheme: 'civitai',
  resolve(name, { env }) {
    const id = name.slice('civitai://'.length).replace(/\/+$/, '');
    if (!/^\d+$/.test(id)) throw usageError(`${name}: expected civitai://MODEL_VERSION_ID (digits)`);
    const endpoint = (env.CIVITAI_ENDPOINT || 'https://civitai.com').replace(/\/+$/, '');
    return Promise.resolve({ url: `${endpoint}/api/download/models/${id}`, ...(env.CIVITAI_TOKEN ? { bearer: env.CIVITAI_TOKEN } : {}) });
  },
};
