/**
 * The setting to recommend: among those within `tolerance` of the fastest, the first in
 * the caller's order (the cheapest: smaller blocks, fewer connections). Differences of a
 * few percent are noise on a shared machine and not worth more memory or connections.
 */
export function pickBest<T extends { bytesPerSecond: number }>(rows: readonly T[], tolerance = 0.05): T | undefined {
  const top = Math.max(...rows.map((r) => r.bytesPerSecond));
  return rows.find((r) => r.bytesPerSecond >= top * (1 - tolerance));
}
