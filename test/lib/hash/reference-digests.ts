import { execFileSync } from 'node:child_process';
import type { Algorithm } from '../../../src/lib/hash/algorithms.js';

// The real tools whose output dl-hash must match byte for byte; crc32 from python's zlib.
const TOOLS: Record<Algorithm, [string, ...string[]]> = {
  md5: ['md5sum'],
  sha1: ['sha1sum'],
  sha256: ['sha256sum'],
  sha512: ['sha512sum'],
  blake3: ['b3sum'],
  xxh64: ['xxhsum', '-H1'],
  xxh3: ['xxhsum', '-H3'],
  crc32: [
    'python3',
    '-c',
    'import sys,zlib\nc=0\nf=open(sys.argv[1],"rb")\nfor b in iter(lambda:f.read(1<<20),b""): c=zlib.crc32(b,c)\nprint("%08x"%c)',
  ],
};

const commandExists = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const missingTools = Object.values(TOOLS)
  .map(([cmd]) => cmd)
  .filter((cmd) => !commandExists(cmd));

/** The digest the reference tool prints for a file ("hex  path" or xxhsum -H3's "XXH3 (path) = hex"). */
export function referenceDigest(algorithm: Algorithm, path: string): string {
  const [cmd, ...args] = TOOLS[algorithm];
  const out = execFileSync(cmd, [...args, path], { encoding: 'utf8' });
  const hex = (out.match(/= ([0-9a-f]+)\s*$/) ?? out.match(/^([0-9a-f]+)/))?.[1];
  if (hex === undefined) throw new Error(`no digest in ${cmd} output: ${out}`);
  return hex;
}
