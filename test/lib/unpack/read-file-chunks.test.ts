import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeInput } from '../../../src/lib/unpack/decode-input.js';
import { readFileChunks } from '../../../src/lib/unpack/read-file-chunks.js';
import { newCounters } from '../../../src/lib/unpack/stage.js';
import { BufferRecycler } from '../../../src/lib/streams/buffer-recycler.js';
import { collect, CountingRecycler, hasTool, mixedBytes, sh, tempDir } from './tools.js';

const tmp = tempDir('dlkit-read-chunks-');
afterAll(tmp.cleanup);
const plain = mixedBytes(3_000_000);
const plainPath = join(tmp.dir, 'plain');
writeFileSync(plainPath, plain);

describe('readFileChunks', () => {
  it('reads the whole file in recycler-sized chunks and closes it at the end', async () => {
    const fh = await open(plainPath);
    const chunks = [];
    for await (const c of readFileChunks(fh, new BufferRecycler(65536))) chunks.push(Buffer.from(c));
    expect(chunks.slice(0, -1).every((c) => c.length === 65536)).toBe(true);
    expect(Buffer.concat(chunks).equals(plain)).toBe(true);
    expect(fh.fd).toBe(-1);
  });

  it('reads into a chunk given back once the consumer is done with it, bytes intact', async () => {
    const fh = await open(plainPath);
    const recycler = new CountingRecycler(65536);
    const copies = [];
    for await (const c of readFileChunks(fh, recycler)) {
      copies.push(Buffer.from(c));
      recycler.give(c);
    }
    expect(Buffer.concat(copies).equals(plain)).toBe(true);
    // One chunk out, one read ahead, and the one given back waiting: never more.
    expect(recycler.made).toBeLessThanOrEqual(3);
  });

  it('closes the file when the consumer stops early', async () => {
    const fh = await open(plainPath);
    for await (const c of readFileChunks(fh, new BufferRecycler(65536))) {
      expect(c.length).toBe(65536);
      break;
    }
    expect(fh.fd).toBe(-1);
  });
});

// [format, tool, shell command writing the compressed file]
const formats: Array<[string, string, string]> = [
  ['xz', 'xz', 'xz -c -1 plain'],
  ['xz -T0', 'xz', 'xz -c -1 -T0 --block-size=262144 plain'],
  ['zstd', 'zstd', 'zstd -q -c plain'],
  ['bzip2', 'bzip2', 'bzip2 -1 -c plain'],
];

describe('decoders give each input chunk back once decoded or copied', () => {
  it.each(formats)('%s', async (name, tool, script) => {
    if (!hasTool(tool)) return expect.soft(tool).toBe(`skipped: ${tool} missing`);
    const path = join(tmp.dir, `${name}.in`);
    writeFileSync(path, sh(script, tmp.dir));
    const recycler = new CountingRecycler(16384);
    const d = await decodeInput(readFileChunks(await open(path), recycler), { counters: newCounters(), inputRecycler: recycler });
    expect((await collect(d.output)).equals(plain)).toBe(true);
    // Dozens of chunks, read into a few buffers: sniffing keeps a copy of the first.
    expect(recycler.made).toBeLessThanOrEqual(4);
  });
});
