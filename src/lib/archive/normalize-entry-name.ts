/**
 * An archive member name as a relative POSIX path: backslashes of zips made on Windows
 * become `/`, and `.` components, repeated and trailing slashes go. Checks come after.
 */
export function normalizeEntryName(name: string): string {
  const lead = /^[/\\]+/.exec(name)?.[0] ?? '';
  const rest = name
    .slice(lead.length)
    .split(/[/\\]+/)
    .filter((p) => p !== '' && p !== '.');
  return (lead ? '/' : '') + rest.join('/');
}
