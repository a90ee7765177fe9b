import { describe, expect, it } from 'vitest';
import { RateEstimator } from '../../../src/cli/progress/rate-estimator.js';

describe('RateEstimator', () => {
  it('has no rate from one sample, then the steady rate exactly', () => {
    const r = new RateEstimator();
    r.update(0, 0);
    expect(r.rate).toBeUndefined();
    for (let t = 100; t <= 2000; t += 100) r.update(t * 1000, t); // 1 MB/s
    expect(r.rate).toBeCloseTo(1_000_000, 3);
    expect(r.eta(3_000_000)).toBeCloseTo(1, 6);
    expect(r.eta(null)).toBeUndefined();
  });

  it('weighs by time: ten events in 100 ms move it as much as one event covering them', () => {
    const many = new RateEstimator();
    const one = new RateEstimator();
    for (const r of [many, one]) {
      r.update(0, 0);
      r.update(100_000, 1000); // 100 kB/s
    }
    for (let i = 1; i <= 10; i++) many.update(100_000 + i * 100_000, 1000 + i * 10);
    one.update(1_100_000, 1100);
    expect(many.rate).toBeCloseTo(one.rate!, -3);
    expect(many.rate!).toBeLessThan(1_000_000); // a 10 MB/s burst is smoothed, not taken as is
  });

  it('decays toward a new rate over its half-life', () => {
    const r = new RateEstimator(1000);
    r.update(0, 0);
    r.update(1000, 1000); // 1000 B/s
    r.update(1000 + 3000, 2000); // 3000 B/s for one half-life
    expect(r.rate).toBeCloseTo(2000, 6);
  });

  it('starts over when the count goes back, and ignores a sample at the same instant', () => {
    const r = new RateEstimator();
    r.update(0, 0);
    r.update(5000, 1000);
    r.update(0, 2000);
    expect(r.rate).toBeUndefined();
    r.update(100, 2000);
    expect(r.rate).toBeUndefined();
  });
});
