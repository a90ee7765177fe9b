import { lstatSync } from 'node:fs';
import picomatch from 'picomatch';
import { hasDotDot } from './has-dot-dot.js';
import { isAbsoluteEntry } from './is-absolute-entry.js';
import { normalizeEntryName } from './normalize-entry-name.js';
import { resolveInside } from './resolve-inside.js';
import { stripComponents } from './strip-components.js';
import { throughSymlink } from './through-symlink.js';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface GuardOptions {
  dir: string;
  stripComponents?: number;
  include?: string[];
  exclude?: string[];
  /** Replace existing files; without it an entry whose path exists is refused. */
  overwrite?: boolean;
}

export type Verdict =
  | { action: 'extract'; name: string; path: string; linkName?: string }
  | { action: 'skip' }
  | { action: 'refuse'; code: `DL_WARN_${string}`; reason: string };

const refuse = (code: `DL_WARN_${string}`, reason: string): Verdict => ({ action: 'refuse', code, reason });

const exists = (path: string): 'dir' | 'other' | null => {
  try {
    return lstatSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return null;
  }
};

/**
 * Decides, entry by entry, what may be written where. Each path rule lives in its own
 * file; this only applies them in order and remembers what the archive made so far
 * (symlinks, names) because later entries are judged against it.
 */
export class EntryGuard {
  private readonly links = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly included: (name: string) => boolean;

  constructor(private readonly opts: GuardOptions) {
    const inc = opts.include?.length ? picomatch(opts.include, { dot: true }) : () => true;
    const exc = opts.exclude?.length ? picomatch(opts.exclude, { dot: true }) : () => false;
    this.included = (name) => inc(name) && !exc(name);
  }

  /** A name made safe-or-refused: normalised, stripped, inside dir, not through a link. */
  private place(raw: string, what: string): Verdict {
    const name = normalizeEntryName(raw);
    if (isAbsoluteEntry(name)) return refuse('DL_WARN_ABSOLUTE_PATH', `${what} is an absolute path`);
    if (hasDotDot(name)) return refuse('DL_WARN_DOT_DOT', `${what} contains '..'`);
    const stripped = stripComponents(name, this.opts.stripComponents ?? 0);
    if (stripped === null) return { action: 'skip' };
    const path = resolveInside(this.opts.dir, stripped);
    if (path === null) return refuse('DL_WARN_ESCAPE', `${what} escapes the extraction directory`);
    const link = throughSymlink(this.opts.dir, stripped, this.links);
    if (link !== null) return refuse('DL_WARN_THROUGH_SYMLINK', `${what} goes through the symbolic link ${link}`);
    return { action: 'extract', name: stripped, path };
  }

  check(raw: string, type: EntryType, linkTarget?: string): Verdict {
    if (!this.included(normalizeEntryName(raw))) return { action: 'skip' };
    const v = this.place(raw, 'the name');
    if (v.action !== 'extract') return v;
    if (type === 'hardlink') {
      const target = this.place(linkTarget ?? '', 'the hard link target');
      if (target.action !== 'extract') return target.action === 'skip' ? refuse('DL_WARN_ESCAPE', 'the hard link target is stripped away') : target;
      v.linkName = target.name;
    }
    const there = this.seen.has(v.name) ? null : exists(v.path);
    if (there === 'other' || (there === 'dir' && type !== 'directory')) {
      if (!this.opts.overwrite) return refuse('DL_WARN_EXISTS', `${v.name} already exists (use --overwrite to replace it)`);
    }
    this.seen.add(v.name);
    if (type === 'symlink') this.links.add(v.name);
    return v;
  }
}
