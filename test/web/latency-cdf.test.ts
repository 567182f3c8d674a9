import { describe, expect, it } from 'vitest';
import { CDF_METRICS, cdfExtent, latencyCdf, sloMarks, type LatencyStatsWithCdf } from '../../web/src/shape/latency-cdf.js';

const TTFT = { count: 10000, mean: 0.0575, p50: 0.043103, p90: 0.109439, p95: 0.143487, p99: 0.239103, max: 0.63560303 };

describe('latencyCdf', () => {
  it('latencyCdf(stats) steps through p50, p90, p95, p99 and max when the result has only percentiles', () => {
    const cdf = latencyCdf(TTFT)!;
    expect(cdf.from).toBe('percentiles');
    expect(cdf.points).toEqual([
      { seconds: 0.043103, fraction: 0.5 },
      { seconds: 0.109439, fraction: 0.9 },
      { seconds: 0.143487, fraction: 0.95 },
      { seconds: 0.239103, fraction: 0.99 },
      { seconds: 0.63560303, fraction: 1 },
    ]);
  });

  it('latencyCdf(stats) returns null for a metric without samples', () => {
    expect(latencyCdf({ count: 0, mean: null, p50: null, p90: null, p95: null, p99: null, max: null })).toBeNull();
  });

  it('latencyCdf(stats) never steps backwards: a percentile rounded below an earlier one is lifted to it', () => {
    const cdf = latencyCdf({ ...TTFT, p99: 0.6361, max: 0.63560303 })!;
    const xs = cdf.points.map((p) => p.seconds);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(cdf.points.at(-1)).toEqual({ seconds: 0.6361, fraction: 1 });
  });

  it('latencyCdf(stats) draws a dense cdf field as it is when a result carries one', () => {
    const stats: LatencyStatsWithCdf = { ...TTFT, cdf: [0, 0.25, 0.5, 0.75, 1].map((fraction) => ({ fraction, seconds: 0.01 + fraction })) };
    const cdf = latencyCdf(stats)!;
    expect(cdf.from).toBe('cdf');
    expect(cdf.points).toHaveLength(5);
  });

  it('sloMarks(bounds, metric) marks each bound on that metric at its statistic', () => {
    const bounds = [
      { key: 'ttftP99' as const, bound: 2, observed: 0.239, met: true },
      { key: 'tpotP99' as const, bound: 0.1, observed: 0.023, met: true },
      { key: 'ttftMean' as const, bound: 0.5, observed: 0.06, met: true },
    ];
    expect(sloMarks(bounds, 'ttft')).toEqual([
      { key: 'ttftP99', seconds: 2, fraction: 0.99, label: 'SLO p99', met: true },
      { key: 'ttftMean', seconds: 0.5, fraction: null, label: 'SLO mean', met: true },
    ]);
    expect(sloMarks(bounds, 'e2e')).toEqual([]);
  });

  it('cdfExtent(series, marks) covers every point and the SLO bound, padded', () => {
    const [lo, hi] = cdfExtent([latencyCdf(TTFT)], sloMarks([{ key: 'ttftP99', bound: 2, observed: 0.2, met: true }], 'ttft'))!;
    expect(lo).toBeLessThan(0.043103);
    expect(hi).toBeGreaterThan(2);
    expect(cdfExtent([null], [])).toBeNull();
  });
});

describe('CDF_METRICS', () => {
  it('draws TTFT, TPOT, E2E, ITL and queue wait, each a distribution of a real result', async () => {
    expect(CDF_METRICS.map((m) => m.key)).toEqual(['ttft', 'tpot', 'e2e', 'itl', 'queueWait']);
    const { simulated } = await import('./fixtures/results.js');
    const result = simulated();
    for (const m of CDF_METRICS) expect(latencyCdf(result.latency[m.key])?.from).toBe('cdf');
    // ITL and queue-wait SLO bounds are marked like any other.
    expect(sloMarks([{ key: 'queueWaitP99', bound: 0.5, observed: 0.1, met: true }], 'queueWait')).toEqual([{ key: 'queueWaitP99', seconds: 0.5, fraction: 0.99, label: 'SLO p99', met: true }]);
  });
});

