import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferRecycler } from '../../../src/lib/streams/buffer-recycler.js';

/** Helpers for tests that make their inputs with the real compressors and archivers. */
export const hasTool = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

export const sh = (script: string, cwd?: string): Buffer =>
  execFileSync('sh', ['-c', script], { cwd, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function tempDir(prefix = 'dlkit-unpack-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic mixed content: compressible text, zeros and pseudo-random bytes. */
export function mixedBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4096) {
    const kind = (i >> 12) % 3;
    const end = Math.min(size, i + 4096);
    if (kind === 0) out.write(`line ${i} of some text\n`.repeat(200).slice(0, end - i), i);
    if (kind === 2) {
      for (let j = i; j < end; j++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[j] = x & 0xff;
      }
    }
  }
  return out;
}

export async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(c);
  return Buffer.concat(parts);
}

export async function* chunksOf(b: Buffer, size = 65536): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** A real recycler that also counts the buffers it had to make (not given back before). */
export class CountingRecycler extends BufferRecycler {
  made = 0;
  readonly #back = new WeakSet<ArrayBufferLike>();
  override take(): Buffer {
    const b = super.take();
    if (!this.#back.has(b.buffer)) this.made++;
    return b;
  }
  override give(chunk: Uint8Array): void {
    this.#back.add(chunk.buffer);
    super.give(chunk);
  }
}
