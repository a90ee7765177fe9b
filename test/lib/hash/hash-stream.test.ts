import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../../../src/lib/hash/algorithms.js';
import { createHasher } from '../../../src/lib/hash/create-hasher.js';
import { createHashStream } from '../../../src/lib/hash/hash-stream.js';
import { createMultiHasher } from '../../../src/lib/hash/multi-hasher.js';

const chunks = [randomBytes(1), randomBytes(70_000), Buffer.alloc(0), randomBytes(1 << 20), randomBytes(333)];

describe('MultiHasher', () => {
  it('gives each algorithm the digest a separate hasher gives', async () => {
    const multi = await createMultiHasher(ALGORITHMS);
    for (const c of chunks) multi.update(c);
    for (const algorithm of ALGORITHMS) {
      const single = await createHasher(algorithm);
      for (const c of chunks) single.update(c);
      expect(multi.digest()[algorithm], algorithm).toBe(single.digest());
    }
    expect(multi.bytes).toBe(chunks.reduce((n, c) => n + c.length, 0));
  });

  it('digest() is stable and update after it is refused', async () => {
    const multi = await createMultiHasher(['sha256', 'xxh3']);
    multi.update(chunks[1] as Buffer);
    const first = multi.digest();
    expect(multi.digest()).toBe(first);
    expect(() => multi.update(chunks[0] as Buffer)).toThrow(/after digest/);
  });
});

describe('HashStream', () => {
  it('passes the very same chunks through, in order, and hashes them', async () => {
    const stream = await createHashStream(['sha256', 'blake3']);
    const seen: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        seen.push(chunk);
        cb();
      },
    });
    const input = chunks.filter((c) => c.length > 0);
    await pipeline(Readable.from(input), stream, sink);
    expect(seen).toHaveLength(input.length);
    seen.forEach((c, i) => expect(c).toBe(input[i])); // same object: no copy
    const whole = await createMultiHasher(['sha256', 'blake3']);
    whole.update(Buffer.concat(input));
    expect(stream.hasher.digest()).toEqual(whole.digest());
    expect(stream.hasher.bytes).toBe(whole.bytes);
  });

  it('with expect: finishes when the digest matches, fails with 65 when it does not', async () => {
    const data = Buffer.from('hello\n');
    const good = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';
    const ok = await createHashStream(['sha256'], { expect: { sha256: good.toUpperCase() } });
    await pipeline(Readable.from([data]), ok, new Writable({ write: (_c, _e, cb) => cb() }));
    const bad = await createHashStream(['sha256'], { expect: { sha256: '0'.repeat(64) } });
    await expect(pipeline(Readable.from([data]), bad, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toMatchObject({
      code: 'DL_ERR_INTEGRITY',
      exitCode: 65,
      details: { algorithm: 'sha256', actual: good },
    });
  });

  it('an expected algorithm that was not computed never passes', async () => {
    const s = await createHashStream(['md5'], { expect: { sha1: 'ab' } });
    await expect(pipeline(Readable.from([Buffer.from('x')]), s, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toMatchObject({
      exitCode: 65,
    });
  });
});
