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
  // V8 re-compiles a WebAssembly function with its optimising compiler once it has run a
  // little (undici's HTTP parser does within one small download), and at exit Node waits
  // for that compile: dl-get of a 1 KiB file took 412 ms with the default budget, 274 ms
  // with this one, where only long transfers tier up.
  setFlagsFromString('--wasm-tiering-budget=10000000');
  void load().then((command) => command.main());
}
