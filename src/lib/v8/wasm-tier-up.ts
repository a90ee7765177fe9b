import { createRequire } from 'node:module';

/**
 * V8 re-compiles a busy WebAssembly function with its optimising compiler on another
 * thread, and Node waits for that compile before exiting. undici's HTTP parser (one 33 KB
 * function) gets there within a few responses, and its compile took 200-500 ms of CPU, as
 * much as a whole small stargz-get; a long dl-get peaked 30 MiB higher with it. The
 * parser runs fast enough on the baseline tier. The filter names a function index no
 * module has, so nothing tiers up; V8 reads it at each tier-up. It is set when a command
 * makes its HTTP dispatcher, after start-up: a changed flag changes V8's flag hash, and
 * Node's built-in modules loaded after that cannot use their embedded code cache
 * (dl-flash's built-ins took 15 ms to load instead of 6.5), nor can a code cache made
 * under other flags be used.
 */
export function keepWasmOnBaseline(): void {
  if (flags[TIER] !== undefined) return;
  v8().setFlagsFromString('--wasm-tier-up-filter=1000000');
  flags[TIER] = 'baseline';
}

/**
 * Back to V8's default (-1: every function may tier up) for the rest of the run, whatever
 * comes after: for hash-wasm, whose hashers run some ten times slower on the baseline
 * tier (a dispatcher made after them must not lower it again), and before a code cache
 * is made. node:v8 is loaded only when the flag was lowered.
 */
export function allowWasmTierUp(): void {
  if (flags[TIER] === 'baseline') v8().setFlagsFromString('--wasm-tier-up-filter=-1');
  flags[TIER] = 'allowed';
}

// Kept on globalThis: the launcher and the command bundle each have their own copy of
// this module. Unset until one of the two above is called.
const TIER = Symbol.for('dlkit.wasm-tier-up');
const flags = globalThis as { [TIER]?: 'baseline' | 'allowed' };

// node:v8 takes ~3 ms to load: only a run that changes the flag loads it.
const v8 = (): typeof import('node:v8') => createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
