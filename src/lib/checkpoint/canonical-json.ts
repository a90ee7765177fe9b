/**
 * JSON with object keys sorted at every level and no whitespace, so equal values always
 * give equal text (and equal checksums) whatever order their keys were built in.
 * Takes JSON-compatible values, i.e. what JSON.parse returns.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
