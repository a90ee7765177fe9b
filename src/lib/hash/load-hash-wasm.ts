import { allowWasmTierUp } from '../v8/wasm-tier-up.js';

/**
 * hash-wasm, with WebAssembly allowed to tier up again. The commands keep it on V8's
 * baseline tier (src/lib/v8/wasm-tier-up.ts), where undici's parser is fast enough but hash-wasm's
 * hashers run some ten times slower than optimised. The flag is process-wide and read at
 * each tier-up, so lifting it here, before the first hasher is made, is enough.
 */
export function loadHashWasm(): Promise<typeof import('hash-wasm')> {
  allowWasmTierUp();
  return import('hash-wasm');
}
