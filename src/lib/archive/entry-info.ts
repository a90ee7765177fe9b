import type { EntryType, GuardOptions } from './entry-guard.js';

/** One archive member as listed and as reported in `entry` events. */
export interface EntryInfo {
  name: string;
  type: EntryType;
  mode: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkTarget?: string;
}

export interface ArchiveWarning {
  code: string;
  message: string;
  name: string;
}

export interface ExtractHooks {
  onEntry?: (entry: EntryInfo) => void;
  onWarn?: (warning: ArchiveWarning) => void;
  /** Called with each zip member's size once written, for progress (tar is counted upstream). */
  onBytes?: (n: number) => void;
}

export interface ExtractOptions extends GuardOptions, ExtractHooks {
  /** Refused entries are fatal (exit 77) instead of skipped with a warning. */
  strict?: boolean;
  /** --max-size: a zip whose central directory declares more is refused before writing. */
  maxSize?: number;
  signal?: AbortSignal;
}

export interface ExtractSummary {
  entries: number;
  refused: number;
  bytes: number;
}
