import { setFlagsFromString } from 'node:v8';
import { VERSION, wantsVersion } from './version.js';

/**
 * What bin/<tool>.js calls. `--version` is answered here, before the command's module
 * graph (yargs, rxjs, undici, native hashers) is even loaded: that import alone costs
 * two to three times a bare node start.
 */
export function launch(load: () => Promise<{ main: () => void }>): void {
  if (wantsVersion(process.argv.slice(2))) {
    process.stdout.write(`dlkit ${VERSION}\n`);
    return;
  }
  void load().then((command) => {
    keepWasmOnBaseline();
    command.main();
  });
}

/**
 * V8 re-compiles a busy WebAssembly function with its optimising compiler on another
 * thread, and Node waits for that compile before exiting. undici's HTTP parser (one 33 KB
 * function) gets there within a few responses, and its compile took 200-500 ms of CPU, as
 * much as a whole small stargz-get; a long dl-get peaked 30 MiB higher with it. The
 * parser runs fast enough on the baseline tier. The filter names a function index no
 * module has, so nothing tiers up; V8 reads it at each tier-up, and loadHashWasm()
 * (src/lib/hash/) lifts it for the hashers, which need their optimised code. Set once the
 * command is loaded (no WebAssembly has run by then): a changed flag changes V8's flag
 * hash, and Node's built-in modules loaded after that cannot use their embedded code
 * cache (dl-flash's built-ins took 15 ms to load instead of 6.5, its bundle 28-41 ms
 * instead of 21-26).
 */
function keepWasmOnBaseline(): void {
  setFlagsFromString('--wasm-tier-up-filter=1000000');
}
