// Builds native/blake3-tree.c (binding.gyp) at install. Optional: without a C compiler
// dl-hash hashes blake3 on one core, so a failed build warns and the install goes on.
import { spawnSync } from 'node:child_process';

const build = spawnSync('node-gyp', ['rebuild', '--loglevel=error'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.warn('dlkit: native/blake3-tree.c was not built (node-gyp failed): blake3 will hash on one core');
}
