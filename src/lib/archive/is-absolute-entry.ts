/**
 * An entry name that names a place outside the extraction directory by itself: a root
 * (`/etc/passwd`, `\\server\share`) or a drive (`C:x`, `C:\x`). Such entries are refused,
 * not re-rooted: an archive that carries them was not made for extraction into DIR.
 */
export function isAbsoluteEntry(name: string): boolean {
  return /^[/\\]/.test(name) || /^[a-zA-Z]:/.test(name);
}
