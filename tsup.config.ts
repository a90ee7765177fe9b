import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

// One bundle per command (bin/<tool>.js runs dist/commands/<tool>.cjs) plus the library.
export const commands = ['dl-hash', 'dl-get', 'dl-unpack', 'stargz-ls', 'stargz-get', 'dl-bench', 'dl-progress', 'dl-flash'] as const;

/**
 * undici's client.js requires its HTTP/2 client at load, which requires node:http2 and
 * with it node:tls: some 5 ms of CPU at every start of dl-get, stargz-ls and stargz-get,
 * though HTTP/2 is never enabled (allowH2) and http:// needs no TLS. The require is moved
 * into the function, where the bundler keeps the module lazy. A changed client.js fails
 * the build here rather than quietly loading HTTP/2 again.
 */
const lazyUndiciH2 = {
  name: 'lazy-undici-h2',
  setup(build: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => { contents: string; loader: 'js' }): void }) {
    build.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/ }, ({ path }) => {
      const eager = "const connectH2 = require('./client-h2.js')";
      const source = readFileSync(path, 'utf8');
      if (!source.includes(eager)) throw new Error(`${path}: no \`${eager}\` to make lazy (tsup.config.ts)`);
      const lazy = "const connectH2 = (client, socket) => require('./client-h2.js')(client, socket)";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

/** node:assert for yargs' platform shim only (src/cli/assert-lite.ts); undici keeps the real one. */
const yargsAssertLite = {
  name: 'yargs-assert-lite',
  setup(build: { onResolve(o: { filter: RegExp }, f: (a: { importer: string }) => { path: string } | undefined): void }) {
    build.onResolve({ filter: /^assert$/ }, ({ importer }) =>
      /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/.test(importer) ? { path: resolve('src/cli/assert-lite.ts') } : undefined,
    );
  },
};

/** What every bundle shares: which packages are bundled, and how. */
const shared: Options = {
  // rxjs and undici are bundled: importing the whole rxjs package cost ~100 ms of CPU at
  // every start (a third of a small dl-hash run), undici's ~150 CommonJS files ~80 ms
  // more for dl-get. undici's require() calls need a real require in the ESM bundle.
  // yargs too, with string-width swapped for a lite one (src/cli/string-width-lite.ts).
  noExternal: ['hash-wasm', 'smol-toml', 'rxjs', 'undici', 'yargs', 'cliui', 'wrap-ansi', 'string-width', 'strip-ansi', 'ansi-regex', 'ansi-styles', 'yargs-parser', 'y18n', 'escalade', 'get-caller-file', 'get-east-asian-width', 'emoji-regex'],
  esbuildOptions(options) {
    options.alias = {
      'string-width': './src/cli/string-width-lite.ts',
      'escalade/sync': './src/cli/no-package-lookup.ts',
      // rxjs's exports map gives `node` its CommonJS build, which cannot be tree-shaken
      // (all 220 modules, 358 KB, were bundled); its ES2015 build can.
      rxjs: './node_modules/rxjs/dist/esm/index.js',
      // hash-wasm's `main` is a UMD file with every algorithm: Node lexed all 400 KB of it
      // for CommonJS exports (~30 ms); its ES build lets only the three we use be bundled.
      'hash-wasm': './node_modules/hash-wasm/dist/index.esm.js',
    };
  },
  banner: { js: "import { createRequire as __dlkitRequire } from 'node:module'; const require = __dlkitRequire(import.meta.url);" },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: true,
  esbuildPlugins: [lazyUndiciH2, yargsAssertLite],
};

/** How the CommonJS files (the commands and their launcher) are built. */
const commonJsOptions: Options['esbuildOptions'] = (options, context) => {
  shared.esbuildOptions?.(options, context);
  options.define = { 'import.meta.url': 'importMetaUrl' };
  options.inject = ['src/cli/import-meta-url-shim.ts'];
  // import() of a package becomes require(): vm.Script code has no module loader of its own.
  options.supported = { 'dynamic-import': false };
  // Escapes in literals keep the file ASCII, which the launcher reads as latin1 (3-4 ms
  // less than decoding UTF-8); the few non-ASCII characters left are in comments.
  options.charset = 'ascii';
};

/**
 * A command is one CommonJS file, dist/commands/<tool>.cjs, that bin/<tool>.js runs with a
 * V8 code cache (src/lib/v8/cached-bundle.ts): Node 20 caches no ES module. Everything
 * the command imports on demand is in the file too, compiled only when first called;
 * packages left external are required then. Built together, the commands shared some
 * thirty small chunks, and Node spent about a millisecond on each file it loaded. The
 * price is code repeated across commands on disk.
 */
const commandBuild = (tool: string): Options => ({
  ...shared,
  entry: { [`commands/${tool}`]: `src/commands/${tool}.ts` },
  format: ['cjs'],
  splitting: false,
  banner: {},
  // Eight bundles repeat undici, rxjs and yargs: their maps took the package from 2.1 to 5.4 MB.
  sourcemap: false,
  esbuildOptions: commonJsOptions,
  // tsup's clean would empty the whole outDir while the other builds write to it.
  esbuildPlugins: [clearOwnOutput(tool), lazyUndiciH2, yargsAssertLite],
});

/** Removes what an earlier build of this command left (dist/commands/<tool>.*, <tool>/). */
const clearOwnOutput = (tool: string) => ({
  name: 'clear-own-output',
  setup(build: { initialOptions: { outdir?: string }; onStart(f: () => void): void }) {
    build.onStart(() => {
      const dir = join(build.initialOptions.outdir ?? 'dist', 'commands');
      for (const p of existsSync(dir) ? readdirSync(dir) : []) {
        if (p === tool || p.startsWith(`${tool}.`)) rmSync(join(dir, p), { recursive: true, force: true });
      }
    });
  },
});

export default defineConfig([
  {
    ...shared,
    entry: {
      index: 'src/index.ts',
      'lib/hash/hash-worker': 'src/lib/hash/hash-worker.ts',
      'lib/unpack/unpack-worker': 'src/lib/unpack/unpack-worker.ts',
    },
    dts: { entry: { index: 'src/index.ts' } },
    // Everything but the commands' and the launcher's output, which their builds replace.
    clean: ['!commands/**', '!cli/**'],
  },
  // What bin/<tool>.js requires (answers --version without loading the command): one
  // CommonJS file, as the commands are (why: src/cli/launch.ts).
  { ...shared, entry: { 'cli/launch': 'src/cli/launch.ts' }, format: ['cjs'], splitting: false, banner: {}, sourcemap: false, esbuildOptions: commonJsOptions },
  ...commands.map(commandBuild),
]);
