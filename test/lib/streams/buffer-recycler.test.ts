import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferRecycler } from '../../../src/lib/streams/buffer-recycler.js';
import { releaseAfterWrite } from '../../../src/lib/streams/release-after-write.js';

const dir = mkdtempSync(join(tmpdir(), 'dlkit-recycler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BufferRecycler', () => {
  it('hands a given-back buffer out again, whole, from a view of it', () => {
    const r = new BufferRecycler(1024);
    const a = r.take();
    r.give(a.subarray(0, 10));
    const b = r.take();
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(1024);
  });

  it('takes back only its own buffers, each once, and keeps at most `keep`', () => {
    const r = new BufferRecycler(64, 1);
    const [a, b] = [r.take(), r.take()];
    r.give(Buffer.allocUnsafeSlow(64)); // not its own
    r.give(a);
    r.give(a); // twice
    r.give(b); // over `keep`
    const c = r.take();
    const d = r.take();
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(a.buffer);
    expect(d.buffer).not.toBe(b.buffer);
  });
});

describe('BufferRecycler.adopt', () => {
  it('takes back a lent buffer that came back through a transfer, once adopted', async () => {
    const r = new BufferRecycler(64);
    const { port1, port2 } = new MessageChannel();
    const back = new Promise<Uint8Array>((resolve) => port2.once('message', resolve));
    const lent = r.take();
    port1.postMessage(lent, [lent.buffer as ArrayBuffer]);
    const returned = await back;
    port1.close();
    r.give(returned); // a new ArrayBuffer over the same bytes: not known yet
    expect(r.take().buffer).not.toBe(returned.buffer);
    r.adopt(returned);
    r.give(returned);
    expect(r.take().buffer).toBe(returned.buffer);
  });
});

describe('releaseAfterWrite in front of a file stream', () => {
  it('releases each chunk only once the file holds it; every byte arrives in order', async () => {
    const path = join(dir, 'out');
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(64 * 1024, i));
    let expectedSize = 0;
    const seen: number[] = [];
    await pipeline(
      Readable.from(chunks),
      releaseAfterWrite(createWriteStream(path), (c) => {
        expectedSize += c.length;
        seen.push(statSync(path).size);
        // A producer would fill it again now: the file must not change because of that.
        c.fill(0xff);
      }),
    );
    expect(seen.every((size, i) => size >= (i + 1) * 64 * 1024)).toBe(true);
    expect(expectedSize).toBe(50 * 64 * 1024);
    const written = readFileSync(path);
    expect(written.length).toBe(50 * 64 * 1024);
    for (let i = 0; i < 50; i++) expect(written[i * 64 * 1024]).toBe(i);
  });

  it('fails with the target’s error', async () => {
    const target = createWriteStream(join(dir, 'no-such-dir', 'out'));
    await expect(pipeline(Readable.from([Buffer.alloc(10)]), releaseAfterWrite(target, () => undefined))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
