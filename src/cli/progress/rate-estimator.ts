/**
 * A transfer rate smoothed over time, not over events: each interval's own rate is blended
 * in with weight 1 - e^(-dt/tau), so a burst of events close together moves the estimate
 * no more than one event covering the same span. tau follows from the half-life.
 */
export class RateEstimator {
  private readonly tauMs: number;
  private lastBytes: number | undefined;
  private lastMs: number | undefined;
  private smoothed: number | undefined;

  constructor(halfLifeMs = 3000) {
    this.tauMs = halfLifeMs / Math.LN2;
  }

  /** Records that `bytes` were done at time `atMs` (milliseconds, any epoch). */
  update(bytes: number, atMs: number): void {
    if (this.lastBytes === undefined || this.lastMs === undefined || bytes < this.lastBytes) {
      // First sample, or the count went back (a restart): start over.
      this.lastBytes = bytes;
      this.lastMs = atMs;
      this.smoothed = undefined;
      return;
    }
    const dt = atMs - this.lastMs;
    if (dt <= 0) return; // same instant: its bytes count in the next interval
    const instant = ((bytes - this.lastBytes) * 1000) / dt;
    const weight = 1 - Math.exp(-dt / this.tauMs);
    this.smoothed = this.smoothed === undefined ? instant : this.smoothed + weight * (instant - this.smoothed);
    this.lastBytes = bytes;
    this.lastMs = atMs;
  }

  /** Bytes per second, undefined until two samples are apart in time. */
  get rate(): number | undefined {
    return this.smoothed;
  }

  /** Seconds left to reach `total`, undefined when the total or a rate is unknown. */
  eta(total: number | null): number | undefined {
    if (total === null || this.smoothed === undefined || this.smoothed <= 0 || this.lastBytes === undefined) return undefined;
    return Math.max(0, total - this.lastBytes) / this.smoothed;
  }
}
