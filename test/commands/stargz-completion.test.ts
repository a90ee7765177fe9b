import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as get } from '../../src/commands/stargz-get.js';
import { run as ls } from '../../src/commands/stargz-ls.js';
import { buildCommand, type BuiltCommand } from '../cli/build-command.js';
import { bashComplete } from '../cli/completion-shell.js';
import { memoryIo } from '../cli/memory-io.js';
import { FIXTURES } from '../lib/stargz/fixtures.js';
import { pushPlan, registrySkipReason, startRegistry, type Registry } from '../servers/registry.js';

const skip = registrySkipReason();

/** What `<tool> --get-yargs-completions <tool> …words` prints, as the shell scripts ask. */
async function candidates(run: typeof ls, tool: string, words: string[]) {
  const m = memoryIo({ env: { HOME: '/nonexistent' } });
  const began = Date.now();
  const code = await run(['--get-yargs-completions', tool, ...words], m.io);
  return { code, lines: m.stdout().split('\n').filter(Boolean), stderr: m.stderr(), ms: Date.now() - began };
}

describe.skipIf(skip)(`completion of paths inside the image from its TOC${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let reg: Registry;
  let image: string;
  let tool: BuiltCommand;
  beforeAll(async () => {
    [reg, tool] = await Promise.all([startRegistry(), buildCommand('stargz-ls', resolve(import.meta.dirname, '../../src/commands/stargz-ls.ts'))]);
    await pushPlan(reg, FIXTURES);
    image = `${reg.host}/fixtures/multi:v1`;
  });
  afterAll(async () => {
    await reg?.stop();
    await tool?.remove();
  });

  it.each([
    [['he'], ['hello.txt']],
    [['da'], ['data/']],
    [['data/r'], ['data/random-5MiB.bin']],
    [['./et'], ['./etc/']],
    [['a/b/'], ['a/b/c/']],
    [['links/hello-'], ['links/hello-hardlink', 'links/hello-symlink']],
    [['hello.txt', 'zz'], ['zz-last.txt']],
    [['nothing-like-this'], []],
  ])('stargz-ls IMAGE %j offers %j', async (words, expected) => {
    const r = await candidates(ls, 'stargz-ls', [image, ...words]);
    expect(r).toMatchObject({ code: 0, lines: expected, stderr: '' });
  });

  it('works with options around the image, and for stargz-get', async () => {
    const r = await candidates(get, 'stargz-get', ['--platform', 'linux/amd64', image, '-o', 'out', 'etc/os']);
    expect(r.lines).toEqual(['etc/os-release']);
  });

  it('offers no paths for IMAGE itself (the shell offers local files) nor for an option value', async () => {
    expect((await candidates(ls, 'stargz-ls', ['he'])).lines).toEqual([]);
    expect((await candidates(get, 'stargz-get', [image, '-o', 'he'])).lines).toEqual([]);
  });

  it('is silent about an image it cannot read', async () => {
    for (const ref of [`${reg.host}/fixtures/plain:v1`, `${reg.host}/no/such:image`, '127.0.0.1:1/x:y']) {
      expect(await candidates(ls, 'stargz-ls', [ref, 'he']), ref).toMatchObject({ code: 0, lines: [], stderr: '' });
    }
  });

  it('gives up on a registry that never answers within a few seconds', async () => {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const r = await candidates(ls, 'stargz-ls', [`127.0.0.1:${(server.address() as { port: number }).port}/hangs:v1`, 'he']);
      expect(r).toMatchObject({ code: 0, lines: [], stderr: '' });
      expect(r.ms).toBeLessThan(5000);
    } finally {
      server.close();
    }
  });

  it('completes in a real bash, though bash splits HOST:PORT/REPO:TAG at its colons', () => {
    const file = bashComplete('stargz-ls', tool.dir, `stargz-ls -l ${image} he`);
    expect(file.reply).toEqual(['hello.txt']);
    expect(file.stderr).not.toContain('nospace');
    const dir = bashComplete('stargz-ls', tool.dir, `stargz-ls ${image} dat`);
    expect(dir.reply).toEqual(['data/']);
    expect(dir.stderr).toContain('compopt -o nospace');
  });
});
