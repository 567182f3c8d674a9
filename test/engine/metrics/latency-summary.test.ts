import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileSorted } from 'simple-statistics';
import { LatencySummary } from '../../../engine/metrics/latency-summary.js';

describe('LatencySummary', () => {
  it('summarize() of an empty summary reports count 0 and null statistics', () => {
    expect(new LatencySummary().summarize()).toEqual({ count: 0, mean: null, p50: null, p90: null, p95: null, p99: null, max: null, cdf: [] });
  });

  it('quantiles are within 0.1% (+1 us) of the exact sample quantiles, mean and max exact (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 2000 }), (xs) => {
        const s = new LatencySummary();
        for (const x of xs) s.record(x);
        const sorted = [...xs].sort((a, b) => a - b);
        const sum = s.summarize();
        expect(sum.count).toBe(xs.length);
        expect(sum.max).toBe(sorted[sorted.length - 1]);
        expect(sum.mean!).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 6);
        for (const [q, v] of [
          [0.5, sum.p50],
          [0.99, sum.p99],
        ] as const) {
          // HDR reports the upper end of the value's bucket for the nearest-rank quantile.
          const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
          expect(Math.abs(v! - exact)).toBeLessThanOrEqual(exact * 1e-3 + 1e-6);
          expect(v!).toBeGreaterThanOrEqual(quantileSorted(sorted, 0) - 1e-6);
        }
      }),
    );
  });

  it('record(x, count) equals recording x count times', () => {
    const a = new LatencySummary();
    const b = new LatencySummary();
    a.record(0.25, 1000);
    for (let i = 0; i < 1000; i++) b.record(0.25);
    expect(a.summarize()).toEqual(b.summarize());
  });
});
