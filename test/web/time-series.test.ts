import { describe, expect, it } from 'vitest';
import { bucketPoints, comparisonTimeLines, MAX_POINTS, pointIndexAt, SERIES_METRICS, simulationTimeLines, timeExtent } from '../../web/src/shape/time-series.js';
import { fourReplicas, simulated } from './fixtures/results.js';

describe('time-series shaping', () => {
  it('bucketPoints(values, width, end) gives one point per bucket and cuts the last at the end of the run', () => {
    expect(bucketPoints([1, 2, 3], 4, 10)).toEqual([
      { t0: 0, t1: 4, value: 1 },
      { t0: 4, t1: 8, value: 2 },
      { t0: 8, t1: 10, value: 3 },
    ]);
  });

  it('bucketPoints merges neighbours above maxPoints into their time-weighted mean', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i % 2);
    const points = bucketPoints(values, 1, 1000, 240);
    expect(points.length).toBeLessThanOrEqual(240);
    const area = points.reduce((sum, p) => sum + p.value * (p.t1 - p.t0), 0);
    expect(area).toBeCloseTo(500, 9);
    // The last bucket is partial: it weighs by its span only.
    const partial = bucketPoints([2, 4], 10, 15, 1);
    expect(partial).toEqual([{ t0: 0, t1: 15, value: (2 * 10 + 4 * 5) / 15 }]);
  });

  it('bucketPoints skips non-finite values and returns nothing for no values or a zero width', () => {
    expect(bucketPoints([], 1, 10)).toEqual([]);
    expect(bucketPoints([1], 0, 10)).toEqual([]);
    expect(bucketPoints([1, Number.NaN, 3], 1, 3).map((p) => p.value)).toEqual([1, 3]);
  });

  it('simulationTimeLines(result, metric) is the total then one line per replica, each with every bucket', () => {
    const result = fourReplicas();
    const lines = simulationTimeLines(result, 'running');
    expect(lines.map((l) => l.key)).toEqual(['total', 'replica-0', 'replica-1', 'replica-2', 'replica-3']);
    expect(lines[0]!.points.map((p) => p.value)).toEqual(result.timeSeries.total.running);
    expect(lines[2]!.points.map((p) => p.value)).toEqual(result.timeSeries.perReplica[1]!.running);
    expect(lines[0]!.points.at(-1)!.t1).toBeCloseTo(result.run.simulatedSeconds, 9);
  });

  it('simulationTimeLines draws no replica lines for a single replica (its line is the total)', () => {
    expect(simulationTimeLines(simulated(), 'kvOccupancy').map((l) => l.key)).toEqual(['total']);
  });

  it('comparisonTimeLines(results, metric) keys each result result-<index> and keeps at most MAX_POINTS', () => {
    const lines = comparisonTimeLines([{ label: 'a', result: simulated() }, { label: 'b', result: fourReplicas() }], 'tokensPerSecond');
    expect(lines.map((l) => [l.key, l.label])).toEqual([
      ['result-0', 'a'],
      ['result-1', 'b'],
    ]);
    for (const l of lines) expect(l.points.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(timeExtent(lines)[1]).toBeGreaterThan(0);
  });

  it('pointIndexAt(points, t) finds the bucket holding t, and the nearest end outside the run', () => {
    const points = bucketPoints([1, 2, 3], 4, 12);
    expect(pointIndexAt(points, 0)).toBe(0);
    expect(pointIndexAt(points, 4)).toBe(1);
    expect(pointIndexAt(points, 11.9)).toBe(2);
    expect(pointIndexAt(points, 99)).toBe(2);
    expect(pointIndexAt(points, -5)).toBe(0);
    expect(pointIndexAt([], 1)).toBe(-1);
  });

  it('completed requests per second is its own series, its total summing to the completions over the run', () => {
    expect(SERIES_METRICS.map((m) => m.key)).toContain('completedPerSecond');
    const result = fourReplicas();
    const [total] = simulationTimeLines(result, 'completedPerSecond');
    const completed = total!.points.reduce((sum, p) => sum + p.value * (p.t1 - p.t0), 0);
    expect(completed).toBeCloseTo(result.requests.completed, -1);
  });

  it('output tokens per second is its own series (not prefill + decode), its total the output tokens the run generated', () => {
    const result = fourReplicas();
    const [total] = simulationTimeLines(result, 'outputTokensPerSecond');
    const generated = total!.points.reduce((sum, p) => sum + p.value * (p.t1 - p.t0), 0);
    // Every request ran to completion, so what was generated is what completed.
    expect(generated).toBeCloseTo(result.throughput.wholeRun.outputTokensPerSecond * result.run.simulatedSeconds, -1);
    const [tokens] = simulationTimeLines(result, 'tokensPerSecond');
    expect(tokens!.points.reduce((sum, p) => sum + p.value * (p.t1 - p.t0), 0)).toBeGreaterThan(2 * generated);
  });

  it('an older result without a series gives lines with no points (the panel then draws no chart)', () => {
    const result = simulated();
    const old = { ...result, timeSeries: { ...result.timeSeries, total: { ...result.timeSeries.total, completedPerSecond: undefined as unknown as number[] } } };
    expect(simulationTimeLines(old, 'completedPerSecond')[0]!.points).toEqual([]);
    expect(bucketPoints(undefined, 1, 10)).toEqual([]);
  });
});
