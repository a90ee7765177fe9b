import { describe, expect, it } from 'vitest';
import { mostSevere } from '../../../src/lib/batch/job-result.js';

describe('mostSevere', () => {
  it.each([
    [[], 0],
    [[0, 0], 0],
    [[75, 69], 69],
    [[69, 65, 74], 65],
    [[1, 75], 1],
    [[74, 130, 65], 130],
    [[0, 42], 42],
  ])('%j → %i', (codes, worst) => {
    expect(mostSevere(codes)).toBe(worst);
  });
});
