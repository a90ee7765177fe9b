/**
 * `--strip-components N` as tar applies it: drops the first N components of a
 * normalised relative name; null when nothing is left (the entry is skipped).
 */
export function stripComponents(name: string, n: number): string | null {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length <= n) return null;
  return parts.slice(n).join('/');
}
