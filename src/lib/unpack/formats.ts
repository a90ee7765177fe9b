/** Compressions dl-unpack decodes, archives it extracts, and what --format accepts. */
export const COMPRESSIONS = ['gzip', 'xz', 'zstd', 'bzip2'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const ARCHIVES = ['tar', 'zip'] as const;
export type Archive = (typeof ARCHIVES)[number];

export type Format = Compression | Archive;
export const FORMATS: readonly Format[] = [...COMPRESSIONS, ...ARCHIVES];

export const isCompression = (f: Format | null): f is Compression =>
  f !== null && (COMPRESSIONS as readonly string[]).includes(f);
