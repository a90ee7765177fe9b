import type { ReadEntry } from 'tar';
import type { EntryType } from './entry-guard.js';
import type { EntryInfo } from './entry-info.js';

const TYPES: Partial<Record<ReadEntry['type'], EntryType>> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  GNUDumpDir: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
};

export const tarEntryType = (e: ReadEntry): EntryType => TYPES[e.type] ?? 'other';

export function tarEntryInfo(e: ReadEntry, name = e.path): EntryInfo {
  const info: EntryInfo = {
    name,
    type: tarEntryType(e),
    mode: (e.mode ?? 0) & 0o7777,
    size: e.size,
    mtime: Math.floor((e.mtime?.getTime() ?? 0) / 1000),
  };
  if (e.linkpath) info.linkTarget = e.linkpath;
  return info;
}
