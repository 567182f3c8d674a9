import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { quantileSorted } from 'simple-statistics';
import { CDF_FRACTIONS, LatencySummary } from '../../../engine/metrics/latency-summary.js';

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

describe('LatencySummary keeps HdrHistogram layout: every statistic equals hdr-histogram-js', () => {
  it('for random samples from microseconds to days, with counts (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ log10: fc.double({ min: -7, max: 6.5, noNaN: true }), count: fc.integer({ min: 1, max: 50 }) }), { minLength: 1, maxLength: 400 }),
        (samples) => {
          const ours = new LatencySummary();
          const reference = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1e12, numberOfSignificantValueDigits: 3, bitBucketSize: 64, autoResize: false, useWebAssembly: false });
          let maximum = -Infinity;
          for (const { log10, count } of samples) {
            const seconds = 10 ** log10;
            ours.record(seconds, count);
            reference.recordValueWithCount(Math.min(1e12, Math.max(0, Math.round(seconds * 1e6))), count);
            maximum = Math.max(maximum, seconds);
          }
          const stats = ours.summarize();
          const expected = (q: number) => Math.min(reference.getValueAtPercentile(q * 100) / 1e6, maximum);
          expect([stats.p50, stats.p90, stats.p95, stats.p99]).toEqual([0.5, 0.9, 0.95, 0.99].map(expected));
          expect(stats.cdf.map((p) => p.seconds)).toEqual(CDF_FRACTIONS.map(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('at the edges: zero, one microsecond, powers of two and their neighbours, the 1e12 cap', () => {
    const values = [0, 1e-6, 2e-6, 1.023e-3, 1.024e-3, 2.047e-3, 2.048e-3, 4294.967295, 4294.967296, 4294.967297, 1e6, 2e6];
    for (const v of values) {
      const ours = new LatencySummary();
      const reference = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1e12, numberOfSignificantValueDigits: 3, bitBucketSize: 64, autoResize: false, useWebAssembly: false });
      ours.record(v, 3);
      ours.record(v * 0.999, 1);
      reference.recordValueWithCount(Math.min(1e12, Math.round(v * 1e6)), 3);
      reference.recordValueWithCount(Math.min(1e12, Math.round(v * 0.999 * 1e6)), 1);
      for (const q of [0, 0.25, 0.5, 0.99, 1]) expect(ours.quantile(q), `${v} at ${q}`).toBe(Math.min(reference.getValueAtPercentile(q * 100) / 1e6, v));
    }
  });
});
