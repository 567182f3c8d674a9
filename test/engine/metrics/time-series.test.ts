import { describe, expect, it } from 'vitest';
import { TimeSeries } from '../../../engine/metrics/time-series.js';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

describe('TimeSeries', () => {
  it('values() averages a level over each bucket, time-weighted', () => {
    const s = new TimeSeries(10, 1);
    s.setLevel(0.5, 4); // 0 until 0.5, then 4
    s.setLevel(1.5, 0);
    s.advance(2);
    expect(s.values(2)).toEqual([2, 2]);
  });

  it('doubles its bucket width instead of growing past maxBuckets, keeping the integral', () => {
    const s = new TimeSeries(8, 1);
    s.setLevel(0, 1);
    s.advance(100);
    expect(s.bucketSeconds).toBe(16);
    const v = s.values(100);
    expect(v.length).toBeLessThanOrEqual(8);
    expect(v.every((x) => Math.abs(x - 1) < 1e-12)).toBe(true);
  });

  it('a result keeps at most 240 points per series however long the run', () => {
    const r = simulate(tinyScenario({ stop: { requests: 20_000 }, workload: { arrival: { process: 'poisson', rate: 2 } } }));
    expect(r.run.simulatedSeconds).toBeGreaterThan(5000);
    expect(r.timeSeries.total.queueDepth.length).toBeLessThanOrEqual(240);
    expect(r.timeSeries.total.kvOccupancy.every((x) => x >= 0 && x <= 1)).toBe(true);
  });

  it('tokensPerSecond integrates to the tokens processed', () => {
    const r = simulate(tinyScenario({ stop: { requests: 500 } }));
    const w = r.timeSeries.bucketSeconds;
    const total = r.timeSeries.total.tokensPerSecond.reduce((a, v, i) => a + v * (Math.min(r.run.simulatedSeconds, (i + 1) * w) - i * w), 0);
    // 500 requests x (256 prompt + 63 decode tokens; the first output token comes with the prefill).
    expect(total).toBeCloseTo(500 * (256 + 63), 6);
  });
});
