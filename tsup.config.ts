import { defineConfig } from 'tsup';

// One entry per command (bin/<tool>.js imports dist/commands/<tool>.js) plus the library.
export const commands = ['dl-hash', 'dl-get', 'dl-unpack', 'stargz-ls', 'stargz-get', 'dl-bench', 'dl-progress', 'dl-flash'] as const;

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(commands.map((c) => [`commands/${c}`, `src/commands/${c}.ts`])),
    'lib/hash/hash-worker': 'src/lib/hash/hash-worker.ts',
    'lib/unpack/unpack-worker': 'src/lib/unpack/unpack-worker.ts',
    // bin/<tool>.js: answers --version without loading the command.
    'cli/launch': 'src/cli/launch.ts',
  },
  // rxjs and undici are bundled: importing the whole rxjs package cost ~100 ms of CPU at
  // every start (a third of a small dl-hash run), undici's ~150 CommonJS files ~80 ms
  // more for dl-get. undici's require() calls need a real require in the ESM bundle.
  // yargs too, with string-width swapped for a lite one (src/cli/string-width-lite.ts).
  noExternal: ['hash-wasm', 'rxjs', 'undici', 'yargs', 'cliui', 'wrap-ansi', 'string-width', 'strip-ansi', 'ansi-regex', 'ansi-styles', 'yargs-parser', 'y18n', 'escalade', 'get-caller-file', 'get-east-asian-width', 'emoji-regex'],
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
  dts: { entry: { index: 'src/index.ts' } },
  splitting: true,
  sourcemap: true,
  clean: true,
});
