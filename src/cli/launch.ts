import { resolve } from 'node:path';
import { loadCachedBundle } from '../lib/v8/cached-bundle.js';
import { allowWasmTierUp } from '../lib/v8/wasm-tier-up.js';
import { VERSION, wantsVersion } from './version.js';

interface Command {
  main: () => void;
}

/**
 * What bin/<tool>.js calls with the path of the command's bundle (dist/commands/<tool>.cjs),
 * which runs with a code cache (src/lib/v8/cached-bundle.ts). The cache is made after a run
 * that succeeded, so it holds what a whole run compiled, under the flags it was loaded with.
 * This launcher (dist/cli/launch.cjs) and bin/ are CommonJS too: with an ES module entry
 * Node sets up its ES module loader first, ~9 ms more of a 4 MiB dl-flash (hyperfine,
 * 2 × 40 runs: 73-78 against 82-89 ms).
 */
export function launchBundle(bundle: string): void {
  launch(async () => {
    const loaded = loadCachedBundle<Command>(resolve(bundle));
    process.once('exit', (code) => {
      if (code !== 0) return;
      allowWasmTierUp();
      loaded.saveCache();
    });
    return loaded.exports;
  });
}

/**
 * `--version` is answered here, before the command's module graph (yargs, rxjs, undici,
 * native hashers) is even loaded: that costs two to three times a bare node start.
 * Then `load` (an ES module import where tests build a command from src/).
 */
export function launch(load: () => Promise<Command>): void {
  restoreExtraCaCerts(process.env);
  if (wantsVersion(process.argv.slice(2))) {
    process.stdout.write(`dlkit ${VERSION}\n`);
    return;
  }
  void load().then((command) => command.main());
}

/**
 * bin/<tool>.js runs node without NODE_EXTRA_CA_CERTS, which Node 20 would load at start
 * (nodejs/node#40524: every root certificate parsed, 20-45 ms), and hands it over as
 * DLKIT_EXTRA_CA_CERTS; the dispatcher trusts it at the first TLS connection
 * (src/lib/http/extra-ca-certs.ts). Child processes get the variable back as it was.
 */
function restoreExtraCaCerts(env: NodeJS.ProcessEnv): void {
  if (env.DLKIT_EXTRA_CA_CERTS && env.NODE_EXTRA_CA_CERTS === undefined) env.NODE_EXTRA_CA_CERTS = env.DLKIT_EXTRA_CA_CERTS;
}
