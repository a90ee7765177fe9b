/**
 * eStargz lazy-fetch benchmark against the distribution registry on 127.0.0.1.
 * Builds a ~100 MiB layer of 2,000 files (random, incompressible) with the test builder,
 * pushes it as an OCI image with the toc.digest annotation, then measures:
 *  1. one small file: bytes read from the registry vs footer + TOC + its chunks (+10%)
 *     and vs the layer size (< 5%);
 *  2. one 1 MiB file vs `curl` pulling the whole layer (< 5% of its time);
 *  3. listing the 2,000-file layer (< 0.5 s);
 *  4. item 2 again over a 100 Mbit/s link (paced-proxy.ts in front of the registry, each
 *     connection's answers paced at 12.5 MB/s): on loopback curl pulls the 100 MiB layer
 *     in ~0.1 s, and 5% of that (5 ms) is less than the four requests a lazy fetch needs
 *     (manifest, footer, TOC, chunks) plus node's start-up; on a link users have the ratio
 *     is about bytes again. (nginx's limit_rate, used before, let any answer under 12.5 MB
 *     through at loopback speed: the 1 MiB file was never paced.)
 * Times are medians of 5 runs (3 for item 4); the CLI ones include node's start-up.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { arch } from 'node:os';
import { parseArgs } from 'node:util';
import { createDispatcher } from '../../src/lib/http/dispatcher.js';
import { openImageSource } from '../../src/lib/registry/image-source.js';
import { hostPlatform } from '../../src/lib/registry/platform.js';
import { retryPolicy } from '../../src/lib/retry/retry-policy.js';
import { openImage } from '../../src/lib/stargz/open-image.js';
import { readFiles } from '../../src/lib/stargz/read-files.js';
import { buildEstargz, type BuildEntry } from '../../test/lib/stargz/estargz-builder.js';
import { startRegistry, type Registry } from '../../test/servers/registry.js';
import { loadAverage, median } from '../lib/stats.mjs';
import { startPacedProxy } from './paced-proxy.js';

const { values: opt } = parseArgs({ options: { files: { type: 'string', default: '2000' }, mib: { type: 'string', default: '100' } } });
const FILES = Number(opt.files);
const MIB = Number(opt.mib);
/** The built commands, as users run them (run.mjs runs from the repository root). */
const CLI_LS = 'bin/stargz-ls.js';
const CLI_GET = 'bin/stargz-get.js';
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function layerEntries(): BuildEntry[] {
  const each = Math.floor(((MIB - 1) * 1024 * 1024) / (FILES - 2));
  const entries: BuildEntry[] = [{ name: 'small', type: 'dir' }, { name: 'small/hello.txt', content: Buffer.from('hello from a 100 MiB layer\n') }, { name: 'big', type: 'dir' }, { name: 'big/one-mib.bin', content: randomBytes(1 << 20) }];
  for (let d = 0; d < 20; d++) entries.push({ name: `d${d}`, type: 'dir' });
  for (let i = 0; i < FILES - 2; i++) entries.push({ name: `d${i % 20}/file-${String(i).padStart(4, '0')}.bin`, content: randomBytes(each) });
  return entries;
}

async function push(reg: Registry, repo: string, layer: ReturnType<typeof buildEstargz>): Promise<void> {
  const config = Buffer.from(JSON.stringify({ architecture: hostPlatform(arch()).architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  for (const blob of [layer.blob, config]) {
    const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    const loc = new URL(start.headers.get('location')!, reg.url);
    loc.searchParams.set('digest', sha256(blob));
    const put = await fetch(loc, { method: 'PUT', body: blob, headers: { 'content-type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`push blob: ${put.status}`);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.blob.length, annotations: { 'containerd.io/snapshot/stargz/toc.digest': layer.tocDigest } }],
  };
  const put = await fetch(`${reg.url}/v2/${repo}/manifests/v1`, { method: 'PUT', body: JSON.stringify(manifest), headers: { 'content-type': manifest.mediaType } });
  if (put.status !== 201) throw new Error(`push manifest: ${put.status}`);
}

/** Opens the image in process and fetches one file: bytes read from the registry, and time. */
async function fetchInProcess(ref: string, path: string): Promise<{ read: number; footerToc: number; chunks: number; layerSize: number; ms: number }> {
  const began = performance.now();
  const dispatcher = createDispatcher({});
  const source = await openImageSource(ref, { cwd: process.cwd(), platform: hostPlatform(arch()), dispatcher, retry: retryPolicy({}) });
  // As stargz-get -o - does: the file's chunks are asked for while the TOC is indexed.
  const image = await openImage(source, { prefetch: [path] });
  const entry = image.files.find((f) => f.path === path)!;
  for await (const _ of readFiles(image.layers, [entry])) void _;
  const ms = performance.now() - began;
  image.dropPrefetched();
  await dispatcher.close();
  const layer = image.layers[0]!;
  return { read: layer.source.bytesRead, footerToc: layer.tocSize + layer.footer.footerSize, chunks: entry.chunks.reduce((n, c) => n + c.end - c.offset, 0), layerSize: layer.source.size, ms };
}

/** Runs one after another, so runs do not compete for the two cores. */
async function sequential(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

function wall(cmd: string, args: string[]): number {
  const began = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return performance.now() - began;
}

/** Like wall(), without blocking this process's event loop, where the paced proxy runs. */
async function wallAsync(cmd: string, args: string[]): Promise<number> {
  const began = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const [status] = (await once(child, 'close')) as [number | null];
  if (status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${status}`);
  return performance.now() - began;
}

/** Item 4: curl and stargz-get through a proxy sending 12.5 MB/s per connection. */
async function overShapedLink(reg: Registry, digest: string): Promise<void> {
  const proxy = await startPacedProxy(Number(new URL(reg.url).port), 12.5e6);
  try {
    const ref = `127.0.0.1:${proxy.port}/bench/layer:v1`;
    const curl = median(await sequential(3, () => wallAsync('curl', ['-sf', '-o', '/dev/null', `http://${ref.split('/')[0]}/v2/bench/layer/blobs/${digest}`])));
    const cli = median(await sequential(3, () => wallAsync(CLI_GET, ['--progress', 'none', ref, 'big/one-mib.bin', '-o', '-'])));
    console.log(`4. 1 MiB file over 100 Mbit/s: curl whole layer ${curl.toFixed(0)} ms; stargz-get CLI ${cli.toFixed(0)} ms (${(100 * cli / curl).toFixed(1)}%) → ${cli < 0.05 * curl ? 'PASS' : 'FAIL'} (CLI); load average ${loadAverage()}`);
  } finally {
    await proxy.stop();
  }
}

const reg = await startRegistry();
try {
  const t0 = performance.now();
  const layer = buildEstargz(layerEntries(), { level: 1 });
  console.log(`layer: ${FILES} files, ${(layer.blob.length / 2 ** 20).toFixed(1)} MiB, TOC at ${layer.tocOffset}, built in ${((performance.now() - t0) / 1000).toFixed(1)} s; load average ${loadAverage()}`);
  await push(reg, 'bench/layer', layer);
  const ref = `${reg.host}/bench/layer:v1`;

  const small = await fetchInProcess(ref, 'small/hello.txt');
  const bound = (small.footerToc + small.chunks) * 1.1;
  console.log(`1. small file: read ${small.read} B from the registry; footer+TOC ${small.footerToc} B + chunks ${small.chunks} B, bound +10% = ${Math.floor(bound)} B → ${small.read <= bound ? 'PASS' : 'FAIL'}; ${(100 * small.read / small.layerSize).toFixed(2)}% of the ${small.layerSize} B layer → ${small.read < 0.05 * small.layerSize ? 'PASS' : 'FAIL'}`);

  const url = `${reg.url}/v2/bench/layer/blobs/${layer.digest}`;
  const curl = median(Array.from({ length: 5 }, () => wall('curl', ['-sf', '-o', '/dev/null', url])));
  const lib = median(await sequential(5, async () => (await fetchInProcess(ref, 'big/one-mib.bin')).ms));
  const cli = median(Array.from({ length: 5 }, () => wall(CLI_GET, ['--progress', 'none', ref, 'big/one-mib.bin', '-o', '-'])));
  console.log(`2. 1 MiB file: curl whole layer ${curl.toFixed(0)} ms; stargz in process ${lib.toFixed(1)} ms (${(100 * lib / curl).toFixed(1)}%), stargz-get CLI ${cli.toFixed(0)} ms (${(100 * cli / curl).toFixed(1)}%) → ${lib < 0.05 * curl ? 'PASS' : 'FAIL'} (in process)`);

  const lsCli = median(Array.from({ length: 5 }, () => wall(CLI_LS, ['--progress', 'none', '-lR', ref])));
  const lsLib = median(await sequential(5, async () => {
    const began = performance.now();
    const dispatcher = createDispatcher({});
    const source = await openImageSource(ref, { cwd: process.cwd(), platform: hostPlatform(arch()), dispatcher, retry: retryPolicy({}) });
    const image = await openImage(source);
    if (image.files.length < FILES) throw new Error('short listing');
    await dispatcher.close();
    return performance.now() - began;
  }));
  const listed = execFileSync(CLI_LS, ['--progress', 'none', '-R', ref], { encoding: 'utf8' }).trim().split('\n').length;
  console.log(`3. listing ${listed} entries: stargz-ls -lR CLI ${lsCli.toFixed(0)} ms, in process ${lsLib.toFixed(1)} ms → ${lsCli < 500 ? 'PASS' : 'FAIL'} (CLI)`);

  await overShapedLink(reg, layer.digest);
} finally {
  await reg.stop();
}
