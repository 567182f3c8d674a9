import { describe, expect, it } from 'vitest';
import { bucketQuantile } from '../../../analyzers/alerts/histogram-quantile.js';
import { PromqlEvaluationError } from '../../../analyzers/alerts/promql-value.js';
import { query, sampled, single, storeOf, vectorOf } from './store-helpers.js';

/** A counter growing 10 per second, scraped every 15 s from t = 15 s. */
const linear = storeOf([{ labels: { __name__: 'c_total', job: 'a' }, samples: sampled(15, 600, 15, (t) => 10 * t) }]);

describe('rate(), increase(), irate() (Prometheus 3 extrapolation)', () => {
  it('rate(c[1m]) of a counter growing 10/s is exactly 10 when the range is covered', () => {
    expect(single(query(linear, 'rate(c_total[1m])', 300))).toBeCloseTo(10, 12);
    expect(single(query(linear, 'rate(c_total[5m])', 600))).toBeCloseTo(10, 12);
  });

  it('increase(c[1m]) is 10/s x 60 s = 600, extrapolated to the range edges', () => {
    expect(single(query(linear, 'increase(c_total[1m])', 300))).toBeCloseTo(600, 9);
  });

  it('rate() at a series start extrapolates by half a sample interval only and divides by the whole range: 150 x 22.5/15 / 60 = 3.75', () => {
    // Samples at 15 s (150) and 30 s (300) in (-30 s, 30 s]: the start is 45 s away, past 1.1 intervals.
    expect(single(query(linear, 'rate(c_total[1m])', 30))).toBeCloseTo(3.75, 12);
  });

  it('rate() needs two samples in the range: none gives no value', () => {
    expect(vectorOf(query(linear, 'rate(c_total[10s])', 300))).toEqual([]);
  });

  it('increase() adds back a counter reset: 100, 110, 5, 15 increased by 25 (60/45 extrapolated)', () => {
    const store = storeOf([{ labels: { __name__: 'r_total' }, samples: [[15, 100], [30, 110], [45, 5], [60, 15]] }]);
    expect(single(query(store, 'increase(r_total[1m])', 60))).toBeCloseTo((25 * 60) / 45, 9);
    expect(single(query(store, 'irate(r_total[1m])', 60))).toBeCloseTo(10 / 15, 12);
    expect(single(query(store, 'irate(r_total[1m])', 45))).toBeCloseTo(5 / 15, 12);
    // delta() is for gauges: no reset handling.
    expect(single(query(store, 'delta(r_total[1m])', 60))).toBeCloseTo((-85 * 60) / 45, 9);
  });

  it('rate() drops the metric name and keeps the other labels', () => {
    expect(vectorOf(query(linear, 'rate(c_total[1m])', 300))).toEqual([[{ job: 'a' }, expect.closeTo(10, 9)]]);
  });
});

describe('histogram_quantile(q, buckets): linear interpolation inside the bucket, as Prometheus', () => {
  const buckets = [
    { upperBound: 0.1, count: 10 },
    { upperBound: 0.5, count: 30 },
    { upperBound: 1, count: 40 },
    { upperBound: Infinity, count: 40 },
  ];

  it('bucketQuantile interpolates the rank within its bucket', () => {
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(0.1 + 0.4 * (10 / 20), 12); // 0.3
    expect(bucketQuantile(0.99, buckets)).toBeCloseTo(0.5 + 0.5 * (9.6 / 10), 12); // 0.98
    expect(bucketQuantile(0.05, buckets)).toBeCloseTo(0.1 * (2 / 10), 12); // first bucket starts at 0
    expect(bucketQuantile(1, buckets)).toBeCloseTo(1, 12);
  });

  it('bucketQuantile gives the highest finite bound for a rank in the +Inf bucket, NaN without +Inf or observations', () => {
    const overflow = [...buckets.slice(0, 3), { upperBound: Infinity, count: 50 }];
    expect(bucketQuantile(0.99, overflow)).toBe(1);
    expect(bucketQuantile(0.5, buckets.slice(0, 3))).toBeNaN();
    expect(bucketQuantile(0.5, buckets.map((b) => ({ ...b, count: 0 })))).toBeNaN();
    expect(bucketQuantile(-0.1, buckets)).toBe(-Infinity);
    expect(bucketQuantile(1.1, buckets)).toBe(Infinity);
  });

  it('bucketQuantile forces cumulative counts monotonic and merges equal bounds', () => {
    const bumpy = [
      { upperBound: 0.5, count: 30 },
      { upperBound: 0.1, count: 10 },
      { upperBound: 1, count: 29 }, // below its predecessor: raised to 30
      { upperBound: Infinity, count: 40 },
    ];
    expect(bucketQuantile(0.5, bumpy)).toBeCloseTo(0.3, 12);
  });

  it('histogram_quantile(0.5, sum by (le) (rate(h_bucket[1m]))) over two engines reads the summed buckets', () => {
    // Per second, engine 0 adds 1, 3, 4, 4 observations to le=0.1, 0.5, 1, +Inf (cumulative) and engine 1 the same again.
    const perSecond: Record<string, number> = { '0.1': 1, '0.5': 3, '1.0': 4, '+Inf': 4 };
    const series = ['0', '1'].flatMap((engine) =>
      Object.entries(perSecond).map(([le, r]) => ({ labels: { __name__: 'h_bucket', engine, le }, samples: sampled(10, 300, 10, (t) => r * t) })),
    );
    const store = storeOf(series);
    expect(single(query(store, 'histogram_quantile(0.5, sum by (le) (rate(h_bucket[1m])))', 200))).toBeCloseTo(0.3, 9);
    expect(single(query(store, 'histogram_quantile(0.99, sum by (le) (rate(h_bucket[1m])))', 200))).toBeCloseTo(0.98, 9);
    // Without the sum each engine keeps its own quantile, labelled by engine (le dropped).
    expect(vectorOf(query(store, 'histogram_quantile(0.5, rate(h_bucket[1m]))', 200))).toEqual([
      [{ engine: '0' }, expect.closeTo(0.3, 9)],
      [{ engine: '1' }, expect.closeTo(0.3, 9)],
    ]);
  });
});

describe('selectors, aggregation, comparison and matching', () => {
  const store = storeOf([
    { labels: { __name__: 'x', a: '1', b: 'p' }, samples: [[10, 1]] },
    { labels: { __name__: 'x', a: '1', b: 'q' }, samples: [[10, 2]] },
    { labels: { __name__: 'x', a: '2', b: 'p' }, samples: [[10, 4]] },
    { labels: { __name__: 'y', a: '1' }, samples: [[10, 10]] },
    { labels: { __name__: 'y', a: '2' }, samples: [[10, 20]] },
  ]);

  it('label matchers =, !=, =~ (fully anchored), !~ select series; a missing label reads as ""', () => {
    expect(vectorOf(query(store, 'x{a="1"}', 10)).map(([, v]) => v)).toEqual([1, 2]);
    expect(vectorOf(query(store, 'x{b!="p"}', 10)).map(([, v]) => v)).toEqual([2]);
    expect(vectorOf(query(store, 'x{b=~"p|q", a=~"2"}', 10)).map(([, v]) => v)).toEqual([4]);
    expect(vectorOf(query(store, 'x{b=~"p."}', 10))).toEqual([]); // anchored: "p." does not match "p"
    expect(vectorOf(query(store, 'x{a!~"1"}', 10)).map(([, v]) => v)).toEqual([4]);
    expect(vectorOf(query(store, 'y{b=""}', 10)).map(([, v]) => v)).toEqual([10, 20]);
    expect(vectorOf(query(store, '{__name__=~"x|y", a="2"}', 10)).map(([, v]) => v)).toEqual([4, 20]);
  });

  it('sum/avg/max/min/count by and without group by the labels named', () => {
    expect(vectorOf(query(store, 'sum by (a) (x)', 10))).toEqual([[{ a: '1' }, 3], [{ a: '2' }, 4]]);
    expect(vectorOf(query(store, 'sum without (b) (x)', 10))).toEqual([[{ a: '1' }, 3], [{ a: '2' }, 4]]);
    expect(vectorOf(query(store, 'max by (b) (x)', 10))).toEqual([[{ b: 'p' }, 4], [{ b: 'q' }, 2]]);
    expect(vectorOf(query(store, 'min(x) by (b)', 10))).toEqual([[{ b: 'p' }, 1], [{ b: 'q' }, 2]]);
    expect(single(query(store, 'count(x)', 10))).toBe(3);
    expect(single(query(store, 'avg(x)', 10))).toBeCloseTo(7 / 3, 12);
  });

  it('a comparison filters and keeps the values and names; with bool it gives 0/1 for every sample', () => {
    expect(vectorOf(query(store, 'x > 1', 10))).toEqual([
      [{ __name__: 'x', a: '1', b: 'q' }, 2],
      [{ __name__: 'x', a: '2', b: 'p' }, 4],
    ]);
    expect(vectorOf(query(store, '1 < x', 10)).map(([, v]) => v)).toEqual([2, 4]);
    expect(vectorOf(query(store, 'x > bool 1', 10))).toEqual([
      [{ a: '1', b: 'p' }, 0],
      [{ a: '1', b: 'q' }, 1],
      [{ a: '2', b: 'p' }, 1],
    ]);
    expect(single(query(store, '2 > bool 1', 10))).toBe(1);
  });

  it('arithmetic between vectors matches one-to-one on all labels but the name, or on()/ignoring()', () => {
    expect(vectorOf(query(store, 'sum by (a) (x) / y', 10))).toEqual([[{ a: '1' }, 0.3], [{ a: '2' }, 0.2]]);
    expect(vectorOf(query(store, 'x{b="p"} + ignoring(b) y', 10))).toEqual([[{ a: '1' }, 11], [{ a: '2' }, 24]]);
    expect(vectorOf(query(store, 'x{b="p"} * on(a) y', 10))).toEqual([[{ a: '1' }, 10], [{ a: '2' }, 80]]);
    expect(vectorOf(query(store, '-y + 2 * 3 ^ 2', 10))).toEqual([[{ a: '1' }, 8], [{ a: '2' }, -2]]);
  });

  it('matching several series on one side is refused, as Prometheus refuses many-to-many', () => {
    expect(() => query(store, 'y / ignoring(b) x', 10)).toThrow(PromqlEvaluationError);
    expect(() => query(store, 'y / ignoring(b) x', 10)).toThrow(/many-to-many/);
  });

  it('and, or, unless combine by label sets', () => {
    expect(vectorOf(query(store, 'y and on(a) x{b="q"}', 10))).toEqual([[{ __name__: 'y', a: '1' }, 10]]);
    expect(vectorOf(query(store, 'y unless on(a) x{b="q"}', 10))).toEqual([[{ __name__: 'y', a: '2' }, 20]]);
    expect(vectorOf(query(store, 'y{a="1"} or y', 10)).map(([, v]) => v)).toEqual([10, 20]);
  });
});

describe('time: lookback, ranges, offset, *_over_time, absent', () => {
  const gauge = storeOf([{ labels: { __name__: 'g' }, samples: sampled(10, 100, 10, (t) => t) }]);

  it('an instant selector sees the latest sample up to 5 minutes old, not older (left-open)', () => {
    expect(single(query(gauge, 'g', 55))).toBe(50);
    expect(single(query(gauge, 'g', 399))).toBe(100);
    expect(vectorOf(query(gauge, 'g', 400))).toEqual([]);
    expect(vectorOf(query(gauge, 'g', 5))).toEqual([]);
  });

  it('avg/max/min/sum/count/last_over_time read the samples in (t - range, t]', () => {
    expect(single(query(gauge, 'avg_over_time(g[30s])', 60))).toBe(50); // 40, 50, 60
    expect(single(query(gauge, 'max_over_time(g[30s])', 60))).toBe(60);
    expect(single(query(gauge, 'min_over_time(g[30s])', 60))).toBe(40);
    expect(single(query(gauge, 'sum_over_time(g[30s])', 60))).toBe(150);
    expect(single(query(gauge, 'count_over_time(g[30s])', 60))).toBe(3);
    expect(vectorOf(query(gauge, 'last_over_time(g[30s])', 60))).toEqual([[{ __name__: 'g' }, 60]]);
  });

  it('offset shifts a selector back in time', () => {
    expect(single(query(gauge, 'g offset 20s', 60))).toBe(40);
    expect(single(query(gauge, 'max_over_time(g[30s] offset 30s)', 60))).toBe(30);
  });

  it('absent() gives 1 with the selector\'s equality labels when nothing matches, nothing otherwise', () => {
    expect(vectorOf(query(gauge, 'absent(g)', 60))).toEqual([]);
    expect(vectorOf(query(gauge, 'absent(nope{job="x", mode=~"a.*"})', 60))).toEqual([[{ job: 'x' }, 1]]);
    expect(vectorOf(query(gauge, 'absent_over_time(nope[1m])', 60))).toEqual([[{}, 1]]);
  });

  it('scalar(), vector(), time(), clamp_min/clamp_max and abs behave as in Prometheus', () => {
    expect(single(query(gauge, 'scalar(g) * 2', 60))).toBe(120);
    expect(single(query(gauge, 'scalar(nope)', 60))).toBeNaN();
    expect(vectorOf(query(gauge, 'vector(3)', 60))).toEqual([[{}, 3]]);
    expect(single(query(gauge, 'time()', 60))).toBe(60);
    expect(single(query(gauge, 'clamp_max(g, 45)', 60))).toBe(45);
    expect(single(query(gauge, 'clamp_min(g, 75)', 60))).toBe(75);
    expect(single(query(gauge, 'abs(-g)', 60))).toBe(60);
  });
});
