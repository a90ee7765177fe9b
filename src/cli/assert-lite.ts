// Stands in for node:assert inside the bundled yargs (tsup.config.ts): yargs checks two of
// its own invariants with it, and loading node:assert took ~2 ms of every start.
export function notStrictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (actual === expected) throw new Error(message ?? `yargs: unexpected ${String(actual)}`);
}

export function strictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (actual !== expected) throw new Error(message ?? `yargs: expected ${String(expected)}, got ${String(actual)}`);
}
