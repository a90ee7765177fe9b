import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEvent, ndjsonLines, parseEventLine, type LineTooLongWarning } from '../../../src/lib/events/ndjson.js';
import { sampleList, samples } from './samples.js';

async function collect(chunks: (string | Buffer)[], opts?: Parameters<typeof ndjsonLines>[0]): Promise<string[]> {
  const out: string[] = [];
  await pipeline(Readable.from(chunks, { objectMode: true }), ndjsonLines(opts), async (lines: AsyncIterable<string>) => {
    for await (const l of lines) out.push(l);
  });
  return out;
}

describe('encodeEvent / parseEventLine', () => {
  it('round-trips every type as exactly one line', () => {
    for (const e of sampleList) {
      const line = encodeEvent({ ...e, id: 'a\nb' });
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(parseEventLine(line)).toEqual({ ...e, id: 'a\nb' });
    }
  });

  it.each([
    ['blank', ''],
    ['not JSON', 'Download complete'],
    ['an array', '[1]'],
    ['another version', JSON.stringify({ ...samples.end, v: 2 })],
    ['an unknown type', JSON.stringify({ ...samples.end, type: 'finish' })],
    ['a missing field', JSON.stringify({ ...samples.end, bytes: undefined })],
  ])('returns null for %s', (_why, line) => {
    expect(parseEventLine(line)).toBeNull();
  });
});

describe('ndjsonLines', () => {
  it('splits on \\n and \\r\\n, keeps a last line without newline', async () => {
    expect(await collect(['a\nb', 'c\r\n', '\nd'])).toEqual(['a', 'bc', '', 'd']);
  });

  it('keeps a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('é€\n');
    expect(await collect([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é€']);
  });

  it('gives the same lines however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\r\n]/g, ''))), fc.array(fc.nat(40)), async (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((p, i, all) => bytes.subarray(p, all[i + 1] ?? bytes.length)).filter((c) => c.length > 0);
        expect(await collect(chunks)).toEqual(lines);
      }),
    );
  });

  it('throws DL_ERR_LINE_TOO_LONG for a line over the limit, even without its newline yet', async () => {
    const err = await collect(['ok\n', 'x'.repeat(6), 'x'.repeat(6)], { maxLineBytes: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DL_ERR_LINE_TOO_LONG', exitCode: 65, details: { line: 2 } });
  });

  it('skips an over-long line with a warning and goes on', async () => {
    const warnings: LineTooLongWarning[] = [];
    const lines = await collect(['a\n', 'y'.repeat(30), 'y'.repeat(30), '\nb\n'], {
      maxLineBytes: 10,
      onOverlong: 'skip',
      onWarn: (w) => warnings.push(w),
    });
    expect(lines).toEqual(['a', 'b']);
    expect(warnings).toEqual([{ code: 'DL_WARN_LINE_TOO_LONG', message: 'line 2 is longer than 10 bytes; skipped', line: 2 }]);
  });

  it('accepts a line of exactly the limit', async () => {
    expect(await collect(['0123456789\n'], { maxLineBytes: 10 })).toEqual(['0123456789']);
  });
});
