import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * A small eStargz writer for tests and benchmarks, following the layout of the
 * reference (containerd/stargz-snapshotter estargz.Build): every chunk of a regular
 * file starts a gzip member of its own; tar headers go in members between them; then
 * the TOC member (a tar holding stargz.index.json) and the 51-byte footer. Checked by
 * reading its output back with src/lib/stargz, which the reference fixtures check.
 * Not a product: no prefetch landmarks, no xattrs, no long-name pax headers.
 */
export interface BuildEntry {
  name: string;
  type?: 'reg' | 'dir' | 'symlink' | 'hardlink';
  content?: Buffer;
  mode?: number;
  linkName?: string;
}

export interface BuildOptions {
  chunkSize?: number;
  level?: number;
  /** Turns the TOC object into its JSON text; hostile-TOC tests rewrite it here. */
  tocJson?: (toc: { version: number; entries: Record<string, unknown>[] }) => string;
  /** Overrides the TOC offset written in the footer. */
  footerOffset?: (tocOffset: number) => number;
}

export interface BuiltLayer {
  blob: Buffer;
  tocDigest: string;
  tocOffset: number;
  digest: string;
}

const MTIME = 1_700_000_000;
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const TYPEFLAG = { reg: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar header; names up to 100 bytes (the builder's callers keep them short). */
export function tarHeader(name: string, type: keyof typeof TYPEFLAG, size: number, mode: number, linkName = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(MTIME, 12), 136, 'latin1');
  h.write(TYPEFLAG[type], 156, 'latin1');
  h.write(linkName, 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'latin1');
  h.write('        ', 148, 'latin1');
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

const pad = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512);

/** The 51-byte eStargz footer for a TOC at `offset` (layout: src/lib/stargz/footer.ts). */
export function estargzFooter(offset: number): Buffer {
  const extra = Buffer.concat([Buffer.from('SG'), Buffer.from([22, 0]), Buffer.from(`${offset.toString(16).padStart(16, '0')}STARGZ`)]);
  const head = Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, extra.length, 0]);
  return Buffer.concat([head, extra, Buffer.from([1, 0, 0, 0xff, 0xff]), Buffer.alloc(8)]);
}

export function buildEstargz(entries: readonly BuildEntry[], opts: BuildOptions = {}): BuiltLayer {
  const chunkSize = opts.chunkSize ?? 4 * 1024 * 1024;
  const gz = (b: Buffer): Buffer => gzipSync(b, { level: opts.level ?? 6 });
  const parts: Buffer[] = [];
  let length = 0;
  const push = (b: Buffer): void => void (parts.push(b), (length += b.length));
  let pending: Buffer[] = [];
  const flush = (): void => {
    if (pending.length > 0) push(gz(Buffer.concat(pending)));
    pending = [];
  };
  const toc: Record<string, unknown>[] = [];
  for (const e of entries) {
    const type = e.type ?? (e.content ? 'reg' : 'dir');
    const content = e.content ?? Buffer.alloc(0);
    const mode = e.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644);
    pending.push(tarHeader(type === 'dir' ? `${e.name}/` : e.name, type, content.length, mode, e.linkName));
    const base = { name: e.name, type, modtime: new Date(MTIME * 1000).toISOString().replace('.000', ''), mode, ...(e.linkName ? { linkName: e.linkName } : {}) };
    if (type !== 'reg') {
      toc.push(base);
      continue;
    }
    if (content.length === 0) {
      toc.push({ ...base, size: 0, digest: sha256(content) });
      continue;
    }
    flush();
    for (let at = 0; at < content.length; at += chunkSize) {
      const chunk = content.subarray(at, at + chunkSize);
      const isLast = at + chunkSize >= content.length;
      // Like the reference: chunkSize on every chunk of a multi-chunk file but the last.
      const fields = { offset: length, chunkDigest: sha256(chunk), ...(isLast ? {} : { chunkSize }) };
      toc.push(at === 0 ? { ...base, size: content.length, digest: sha256(content), ...fields } : { name: e.name, type: 'chunk', chunkOffset: at, ...fields });
      push(gz(isLast ? Buffer.concat([chunk, pad(content.length)]) : chunk));
    }
  }
  pending.push(Buffer.alloc(1024));
  flush();
  const tocOffset = length;
  const json = Buffer.from(opts.tocJson ? opts.tocJson({ version: 1, entries: toc }) : JSON.stringify({ version: 1, entries: toc }, null, '\t'));
  push(gz(Buffer.concat([tarHeader('stargz.index.json', 'reg', json.length, 0o644), json, pad(json.length), Buffer.alloc(1024)])));
  push(estargzFooter(opts.footerOffset ? opts.footerOffset(tocOffset) : tocOffset));
  const blob = Buffer.concat(parts, length);
  return { blob, tocDigest: sha256(json), tocOffset, digest: sha256(blob) };
}
