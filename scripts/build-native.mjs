// Builds the addons of binding.gyp at install. All are optional, so a failed or partial
// build warns and the install goes on: without native/blake3-tree.c blake3 hashes on one
// core; without native/stream-decode.c (no liblzma-dev or libzstd-dev) xz and zstd use
// the bundled decoders; without native/direct-memory.c O_DIRECT buffers use small pages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const build = spawnSync('node-gyp', ['rebuild', '--loglevel=error'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.warn('dlkit: the native addons were not built (node-gyp failed): blake3 hashes on one core, xz and zstd use the bundled decoders, direct I/O buffers use small pages');
} else if (!existsSync('build/Release/stream_decode.node')) {
  console.warn('dlkit: no liblzma-dev or libzstd-dev: xz and zstd use the bundled decoders (apt-get install liblzma-dev libzstd-dev, then npm rebuild dlkit)');
}
