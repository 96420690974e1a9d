// The observer's scoring helpers: the adjusted Rand index against values scikit-learn's documentation gives
// (adjusted_rand_score) and one computed with Python's math.comb, and the majority baseline.
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, majorityBaseline } from './observer';

describe('observer scoring', () => {
  it('adjusted Rand index: 1 for the same partition under any names, known values otherwise', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714, 9);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 9);
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2, 3, 3])).toBeCloseTo(0.4444444444, 9);
  });

  it('adjusted Rand index of random labellings averages near 0 (its chance level)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let sum = 0;
    for (let run = 0; run < 300; run++) {
      const truth = Array.from({ length: 30 }, () => Math.floor(random() * 5));
      const guess = Array.from({ length: 30 }, () => Math.floor(random() * 5));
      sum += adjustedRandIndex(truth, guess);
    }
    expect(Math.abs(sum / 300)).toBeLessThan(0.02);
  });

  it('majority baseline is the share of the most frequent answer', () => {
    expect(majorityBaseline(['share', 'update', 'share', 'custody'])).toBe(0.5);
    expect(majorityBaseline(['x'])).toBe(1);
  });
});
