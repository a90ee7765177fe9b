import { abortedError } from '../errors/dl-error.js';
import { findAddon } from '../native/find-addon.js';

/** O_DIRECT wants buffers, offsets and lengths aligned to the logical sector (≤ 4 KiB). */
export const DIRECT_ALIGN = 4096;
const WASM_PAGE = 64 * 1024;

// The WebAssembly global exists in Node; this project's type libs only declare its types.
type WasmMemory = new (d: { initial: number }) => { buffer: ArrayBuffer };
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemory } }).WebAssembly.Memory;

interface DirectMemory {
  alloc(bytes: number): ArrayBuffer;
}

/**
 * Memory on 2 MiB boundaries from native/direct-memory.c, on transparent huge pages where
 * the kernel gives them (O_DIRECT then pins 512× fewer pages: a loop device read back in
 * 0.11–0.13 s per 2 GiB instead of 0.19–0.21). Without the addon, or when small pages are
 * asked for, a WebAssembly.Memory: a Buffer's address is never aligned for large
 * allocations (malloc's header precedes it), but a WebAssembly.Memory is mapped at a page
 * boundary.
 */
function alignedMemory(bytes: number, pages: Pages): ArrayBuffer {
  const addon = pages === 'huge' ? findAddon<DirectMemory>('direct_memory') : undefined;
  if (addon) {
    try {
      return addon.alloc(bytes);
    } catch {
      // A runtime that forbids external ArrayBuffers: the small pages serve.
    }
  }
  return new WasmMemory({ initial: Math.ceil(bytes / WASM_PAGE) }).buffer;
}

/**
 * 'huge' where the kernel has them (the default: fewer pages to pin per request); 'small'
 * where the per-page cost is part of what is measured, as in fio's buffers (dl-bench).
 */
export type Pages = 'huge' | 'small';

/** Memory Node can hand to O_DIRECT: `count` buffers of `size` bytes (a multiple of 4 KiB). */
export function allocAligned(count: number, size: number, pages: Pages = 'huge'): Buffer[] {
  if (size <= 0 || size % DIRECT_ALIGN !== 0) throw new RangeError(`buffer size ${size} is not a positive multiple of ${DIRECT_ALIGN}`);
  const memory = alignedMemory(count * size, pages);
  return Array.from({ length: count }, (_, i) => Buffer.from(memory, i * size, size));
}

/**
 * A fixed set of aligned buffers. acquire() waits while all are out: that wait is the
 * backpressure between the source and the slowest device.
 */
export class AlignedPool {
  readonly #free: Buffer[];
  readonly #waiters: ((b: Buffer) => void)[] = [];

  constructor(
    readonly count: number,
    readonly size: number,
  ) {
    this.#free = allocAligned(count, size);
  }

  acquire(signal?: AbortSignal): Promise<Buffer> {
    const b = this.#free.pop();
    if (b) return Promise.resolve(b);
    if (signal?.aborted) return Promise.reject(abortedError());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.splice(this.#waiters.indexOf(take), 1);
        reject(abortedError());
      };
      const take = (buf: Buffer): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(buf);
      };
      this.#waiters.push(take);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(b: Buffer): void {
    const next = this.#waiters.shift();
    if (next) next(b);
    else this.#free.push(b);
  }
}
