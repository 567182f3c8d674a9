import { describe, expect, it } from 'vitest';
import { logTicks } from '../../web/src/shape/log-ticks.js';

describe('logTicks', () => {
  it('logTicks(domain, max) gives 1-2-5 steps while they fit', () => {
    expect(logTicks([0.03, 0.7], 8)).toEqual([0.05, 0.1, 0.2, 0.5]);
  });

  it('logTicks(domain, max) falls back to powers of ten over several decades', () => {
    expect(logTicks([0.04, 60], 6)).toEqual([0.1, 1, 10]);
  });

  it('logTicks thins powers of ten when even those do not fit', () => {
    const ticks = logTicks([1e-6, 1e3], 4);
    expect(ticks.length).toBeLessThanOrEqual(4);
    expect(ticks[0]).toBeCloseTo(1e-6, 12);
  });
});
