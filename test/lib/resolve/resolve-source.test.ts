import { describe, expect, test } from 'vitest';
import { createDispatcher } from '../../../src/lib/http/dispatcher.js';
import { resolveSource } from '../../../src/lib/resolve/resolve-source.js';

const dispatcher = createDispatcher();
const ctx = (env: Record<string, string> = {}) => ({ env, dispatcher, signal: new AbortController().signal });

describe('resolveSource', () => {
  test.each([
    ['hf://owner/repo/model.safetensors', 'https://huggingface.co/owner/repo/resolve/main/model.safetensors'],
    ['hf://owner/repo/dir/a b.bin@v1.0', 'https://huggingface.co/owner/repo/resolve/v1.0/dir/a%20b.bin'],
    ['hf://datasets/org/set/data/train.parquet', 'https://huggingface.co/datasets/org/set/resolve/main/data/train.parquet'],
    ['hf://me@x/repo/f@rev', 'https://huggingface.co/me%40x/repo/resolve/rev/f'],
    ['civitai://12345', 'https://civitai.com/api/download/models/12345'],
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
  ])('%s → %s', async (name, url) => {
    expect((await resolveSource(name, ctx())).url).toBe(url);
  });

  test('endpoints and tokens come from the environment passed in', async () => {
    const hf = await resolveSource('hf://o/r/f', ctx({ HF_ENDPOINT: 'http://127.0.0.1:9/', HF_TOKEN: 'hf_x' }));
    expect(hf).toEqual({ url: 'http://127.0.0.1:9/o/r/resolve/main/f', bearer: 'hf_x' });
    const civ = await resolveSource('civitai://7', ctx({ CIVITAI_ENDPOINT: 'http://127.0.0.1:9', CIVITAI_TOKEN: 'c' }));
    expect(civ).toEqual({ url: 'http://127.0.0.1:9/api/download/models/7', bearer: 'c' });
  });

  test.each(['hf://owner', 'hf://owner/repo', 'civitai://abc', 'ftp://host/file', 's3://bucket/key'])('refuses %s with a usage error', async (name) => {
    await expect(resolveSource(name, ctx())).rejects.toMatchObject({ exitCode: 64 });
  });
});
