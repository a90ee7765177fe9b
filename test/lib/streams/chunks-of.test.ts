import { setTimeout as sleep } from 'node:timers/promises';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunksOf } from '../../../src/lib/streams/chunks-of.js';

const pieces = Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000 + i, i));

describe('chunksOf', () => {
  it('hands each chunk on as it came, never joined, even when the consumer lags', async () => {
    const source = new PassThrough();
    for (const p of pieces) source.write(p);
    source.end();
    const seen: Buffer[] = [];
    for await (const chunk of chunksOf(source)) {
      seen.push(chunk);
      await sleep(1); // everything else is buffered meanwhile; read() would join it
    }
    expect(seen.map((b) => b.length)).toEqual(pieces.map((p) => p.length));
    expect(Buffer.concat(seen).equals(Buffer.concat(pieces))).toBe(true);
  });

  it('pauses the stream while `high` chunks wait, and resumes it as they drain', async () => {
    let produced = 0;
    const source = new Readable({
      highWaterMark: 1,
      read() {
        this.push(produced < pieces.length ? pieces[produced++] : null);
      },
    });
    const it = chunksOf(source, 4);
    await it.next();
    await sleep(20);
    expect(source.isPaused()).toBe(true);
    expect(produced).toBeLessThan(10);
    let n = 1;
    for await (const _ of it) n++;
    expect(n).toBe(pieces.length);
  });

  it('fails as the stream fails, after the chunks that came before', async () => {
    const source = new PassThrough();
    source.write(pieces[0]);
    setTimeout(() => source.destroy(new Error('connection reset')), 10);
    const seen: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of chunksOf(source)) seen.push(chunk);
      })(),
    ).rejects.toThrow('connection reset');
    expect(seen).toEqual([pieces[0]]);
  });

  it('a stream closed before its end is an error, as with the stream\'s own iterator', async () => {
    const source = new PassThrough();
    source.write(pieces[0]);
    setTimeout(() => source.destroy(), 10);
    await expect((async () => { for await (const _ of chunksOf(source)); })()).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('ends at once for a stream that already ended, and destroys one left early', async () => {
    const ended = Readable.from([]);
    for await (const _ of ended);
    let n = 0;
    for await (const _ of chunksOf(ended)) n++;
    expect(n).toBe(0);
    const source = new PassThrough();
    source.write(pieces[0]);
    source.write(pieces[1]);
    for await (const _ of chunksOf(source)) break;
    expect(source.destroyed).toBe(true);
  });

  it('leaves a stream that errors as it is destroyed (as undici\'s body does) without an uncaught error', async () => {
    const source = new Readable({
      read() {},
      destroy(err, cb) {
        cb(err ?? new Error('Request aborted'));
      },
    });
    source.push(pieces[0]);
    for await (const _ of chunksOf(source)) break;
    await sleep(20); // an 'error' nobody listens to would fail the run here
    expect(source.destroyed).toBe(true);
  });
});
