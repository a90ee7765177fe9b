import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { DlError, ExitCode } from '../errors/dl-error.js';
import type { EntryInfo } from './entry-info.js';

/**
 * A zip read by its central directory (yauzl), entries decoded our way: yauzl's own
 * name check would fail the whole archive on one `../` entry, where we refuse only that
 * entry. Unix modes come from the high half of the external attributes (made by Unix),
 * mtimes from the Info-ZIP extended timestamp (0x5455) when present, as unzip does.
 */
export interface ZipEntry {
  info: EntryInfo;
  /** The name as stored (before normalisation), for warnings. */
  rawName: string;
  entry: Entry;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const MADE_BY_UNIX = 3;
const UTF8_FLAG = 0x800;
const EXT_TIMESTAMP = 0x5455;

export function corruptZip(message: string, cause?: unknown): DlError {
  return new DlError(`zip archive is corrupt: ${message}`, {
    code: 'DL_ERR_CORRUPT',
    exitCode: ExitCode.INTEGRITY,
    hint: 'the archive is damaged or incomplete: fetch it again (and check its digest)',
    details: { format: 'zip' },
    cause,
  });
}

function mtimeOf(e: Entry): number {
  const ut = e.extraFields.find((f) => f.id === EXT_TIMESTAMP);
  if (ut && ut.data.length >= 5 && ut.data[0]! & 1) return ut.data.readUInt32LE(1);
  return Math.floor(e.getLastModDate().getTime() / 1000);
}

function infoOf(e: Entry, name: string): EntryInfo {
  const unixMode = e.versionMadeBy >> 8 === MADE_BY_UNIX ? e.externalFileAttributes >>> 16 : 0;
  const isDir = name.endsWith('/') || (unixMode & S_IFMT) === S_IFDIR;
  const isLink = (unixMode & S_IFMT) === S_IFLNK;
  const type = isDir ? 'directory' : isLink ? 'symlink' : 'file';
  const mode = unixMode & 0o7777 || (isDir ? 0o755 : 0o644);
  return { name, type, mode, size: e.uncompressedSize, mtime: mtimeOf(e) };
}

export interface OpenZip {
  entries: ZipEntry[];
  openStream(e: ZipEntry): Promise<Readable>;
  close(): void;
}

export async function openZip(path: string): Promise<OpenZip> {
  let zip: ZipFile;
  try {
    zip = await promisify<string, yauzl.Options, ZipFile>(yauzl.open)(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (e) {
    throw corruptZip(e instanceof Error ? e.message : String(e), e);
  }
  const entries = await readAll(zip);
  const open = promisify(zip.openReadStream.bind(zip)) as (e: Entry) => Promise<Readable>;
  return {
    entries,
    openStream: (e) => open(e.entry).catch((err: unknown) => Promise.reject(corruptZip(String((err as Error).message ?? err), err))),
    close: () => zip.close(),
  };
}

function readAll(zip: ZipFile): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    const out: ZipEntry[] = [];
    zip.on('entry', (entry: Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const name = raw.toString(entry.generalPurposeBitFlag & UTF8_FLAG ? 'utf8' : 'latin1');
      out.push({ info: infoOf(entry, name), rawName: name, entry });
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', (e: Error) => reject(corruptZip(e.message, e)));
    zip.readEntry();
  });
}
