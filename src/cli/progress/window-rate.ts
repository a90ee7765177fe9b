/**
 * Throughput over the last `windowMs` of event time: bytes done in the window divided by
 * the time it spans. Unlike RateEstimator's smoothing, which keeps the bias of its first
 * samples for several half-lives, two stages moving at the same pace read the same here
 * once the window is full, which is what comparing stages needs.
 */
export class WindowRate {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  /** Records that `bytes` were done at `atMs`; a count that went back starts over. */
  update(bytes: number, atMs: number): void {
    const last = this.samples.at(-1);
    if (last !== undefined && bytes < last.bytes) this.samples = [];
    this.samples.push({ at: atMs, bytes });
    // Keep one sample at or before the window's start, so the window is always covered.
    while (this.samples.length > 2 && this.samples[1]!.at <= atMs - this.windowMs) this.samples.shift();
  }

  /** Time covered by the samples, in ms. */
  get spanMs(): number {
    return this.samples.length < 2 ? 0 : this.samples.at(-1)!.at - this.samples[0]!.at;
  }

  /** Bytes per second over the window, undefined until the samples span some time. */
  get rate(): number | undefined {
    const span = this.spanMs;
    if (span <= 0) return undefined;
    return ((this.samples.at(-1)!.bytes - this.samples[0]!.bytes) * 1000) / span;
  }

  /** Seconds left to reach `total`, undefined when the total or the rate is unknown. */
  eta(total: number | null): number | undefined {
    const rate = this.rate;
    const last = this.samples.at(-1);
    if (total === null || rate === undefined || rate <= 0 || last === undefined) return undefined;
    return Math.max(0, total - last.bytes) / rate;
  }
}
