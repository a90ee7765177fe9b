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
  void load().then((command) => command.main());
}
