import { describe, expect, it } from 'vitest';
import type { PrefixCacheSummary } from '../../engine/metrics/prefix-cache-summary.js';
import { deltaRows, SIMULATION_MEASURES } from '../../web/src/shape/deltas.js';
import {
  hasPrefixCache,
  hitRateNote,
  hitRateSeries,
  imbalanceSentence,
  MAX_PREFIX_REPLICAS,
  PREFIX_CACHE_MEASURES,
  PREFIX_REPLICA_COLUMNS,
  prefixCacheModel,
  prefixReplicaRows,
  replicaHitBars,
  simulationMeasures,
} from '../../web/src/shape/prefix-cache.js';
import { MAX_SECTION_BUCKETS } from '../../web/src/shape/simulation-sections.js';
import { prefixBase, prefixCacheSummary, withPrefixCache } from './fixtures/prefix-cache.js';

describe('the prefix-cache section of a simulation result', () => {
  const base = prefixBase();
  const result = withPrefixCache(base);

  it('none without the section', () => {
    expect(hasPrefixCache(base)).toBe(false);
    expect(prefixCacheModel(base)).toBeNull();
    expect(prefixCacheModel({ ...base, prefixCache: null as unknown as PrefixCacheSummary })).toBeNull();
    expect(hasPrefixCache(result)).toBe(true);
  });

  it('headline figures: hit rate in tokens as a percent, prefill tokens saved, cached tokens per request, evicted blocks, requests', () => {
    const m = prefixCacheModel(result)!;
    expect(m.cards.map((c) => [c.key, c.value])).toEqual([
      ['prefix-hit-rate', '49.0%'],
      ['prefix-saved', '98,000'],
      ['prefix-per-request', '470'],
      ['prefix-evicted', '360'],
      ['prefix-requests', '200'],
    ]);
    expect(m.cards[0]!.detail).toBe('of prompt tokens looked up · 48.0% of 16-token blocks');
    expect(m.cards[1]!.detail).toBe('served from the cache, of 200,000 looked up');
    expect(m.sentence).toBe(
      'Prefix caching served 49.0% of the 200,000 prompt tokens looked up (48.0% of 16-token blocks): 98,000 prefill tokens saved, 470 per request on average, and 360 blocks evicted to make room.',
    );
  });

  it('the hit rate over time: a point per bucket at index × bucketSeconds, null buckets kept as gaps', () => {
    const s = hitRateSeries(prefixCacheSummary());
    expect(s.bucketSeconds).toBe(2);
    expect(s.points.map((p) => p.t)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(s.points.map((p) => p.hitRate)).toEqual([null, 0.2, 0.4, 0.5, null, null, 0.6, 0.55, 0.5, null]);
    expect(s.points[7]!.queriedTokensPerSecond).toBe(30_000);
    expect(s.extent).toEqual([0, 20]);
    expect(s.measured).toBe(6);
    expect(s.points.some((p) => p.isolated)).toBe(false);
    expect(hitRateNote(s)).toBe('hit rate of the prompt tokens looked up in each 2.00 s bucket; 4 gaps where no prompt was looked up');
  });

  it('a value alone between gaps is marked isolated (a line cannot show it: the chart draws a dot)', () => {
    const summary = prefixCacheSummary();
    const s = hitRateSeries({ ...summary, series: { bucketSeconds: 5, hitRate: [0.3, null, 0.5, 0.6, null, 0.7], queriedTokensPerSecond: [1, 0, 1, 1, 0, 1] } });
    expect(s.points.filter((p) => p.isolated).map((p) => p.t)).toEqual([0, 25]);
    expect(hitRateNote({ ...s, points: s.points.filter((p) => p.hitRate !== null), measured: 4 })).toBe('hit rate of the prompt tokens looked up in each 5.00 s bucket');
  });

  it('per replica: its hit rate beside its requests against an even share (affinity imbalance)', () => {
    const { bars, evenShare, leftOut } = replicaHitBars(prefixCacheSummary());
    expect(evenShare).toBe(50);
    expect(leftOut).toBe(0);
    expect(bars.map((b) => [b.replica, b.requests, b.hitRate, b.requestShare])).toEqual([
      [0, 80, 0.75, 1.6],
      [1, 40, 0.25, 0.8],
      [2, 50, 0.5, 1],
      [3, 30, 0.1, 0.6],
    ]);
    expect(bars[1]!.title).toBe('Replica 1: hit rate 25.0% (10,000 of 40,000 prompt tokens), 40 requests (0.80× an even share), 120 blocks evicted');
    expect(imbalanceSentence(bars, evenShare)).toBe(
      'Requests per replica: 30 (replica 3) to 80 (replica 0), 1.60× an even share of 50; hit rate from 10.0% (replica 3) to 75.0% (replica 0).',
    );
    expect(imbalanceSentence(bars.slice(0, 1), 80)).toBeNull();
    const m = prefixCacheModel(result)!;
    expect(m.maxRequests).toBe(80);
    expect(m.imbalance).toBe(imbalanceSentence(bars, evenShare));
  });

  it('the per-replica table: a row per replica under its header', () => {
    const m = prefixCacheModel(result)!;
    const rows = prefixReplicaRows(m);
    expect(PREFIX_REPLICA_COLUMNS).toHaveLength(7);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.length === PREFIX_REPLICA_COLUMNS.length)).toBe(true);
    expect(rows[2]).toEqual(['2', '50', '1.00×', '50,000', '25,000', '50.0%', '40']);
    expect(rows[3]).toEqual(['3', '30', '0.60×', '30,000', '3,000', '10.0%', '200']);
  });

  it('figures outside their range are drawn clamped or as 0, never NaN; lists are bounded', () => {
    const summary = prefixCacheSummary();
    const bad = {
      ...summary,
      blockSize: Number.NaN,
      hitRate: { tokens: 1.5, blocks: Number.NaN },
      queriedTokens: -5,
      evictedBlocks: Number.POSITIVE_INFINITY,
      perReplica: [{ ...summary.perReplica[0]!, hitRate: -0.2, requests: Number.NaN }, null, ...summary.perReplica.slice(1)],
      series: { bucketSeconds: 0, hitRate: [Number.NaN, 2, -1, null], queriedTokensPerSecond: [Number.NaN] },
    } as unknown as PrefixCacheSummary;
    const m = prefixCacheModel(withPrefixCache(base, bad))!;
    expect(m.cards.map((c) => c.value)).toEqual(['100.0%', '98,000', '470', '0', '200']);
    expect(m.cards[0]!.detail).toBe('of prompt tokens looked up · 0.0% of blocks');
    expect(m.series.bucketSeconds).toBe(1);
    expect(m.series.points.map((p) => [p.t, p.hitRate, p.queriedTokensPerSecond])).toEqual([
      [0, null, 0],
      [1, 1, 0],
      [2, 0, 0],
      [3, null, 0],
    ]);
    expect(m.replicas.map((b) => [b.replica, b.requests, b.hitRate])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [1, 40, 0.25],
      [2, 50, 0.5],
      [3, 30, 0.1],
    ]);
    expect(JSON.stringify(m)).not.toContain('NaN');

    const empty = prefixCacheModel(withPrefixCache(base, { ...summary, perReplica: 'x', series: undefined } as unknown as PrefixCacheSummary))!;
    expect(empty.replicas).toEqual([]);
    expect(empty.imbalance).toBeNull();
    expect(empty.series.points).toEqual([]);
    expect(empty.series.extent).toEqual([0, 1]);

    const long = hitRateSeries({ ...summary, series: { bucketSeconds: 1, hitRate: new Array(MAX_SECTION_BUCKETS + 10).fill(0.5), queriedTokensPerSecond: [] } });
    expect(long.points).toHaveLength(MAX_SECTION_BUCKETS);
    const many = Array.from({ length: MAX_PREFIX_REPLICAS + 3 }, (_, i) => ({ ...summary.perReplica[0]!, replica: i }));
    const wide = replicaHitBars({ ...summary, perReplica: many });
    expect(wide.bars).toHaveLength(MAX_PREFIX_REPLICAS);
    expect(wide.leftOut).toBe(3);
  });

  it('a comparison adds the hit rate and prefill tokens saved only when a result has the section', () => {
    expect(simulationMeasures([base, base])).toBe(SIMULATION_MEASURES);
    expect(simulationMeasures([base, result]).map((m) => m.label)).toEqual([...SIMULATION_MEASURES.map((m) => m.label), ...PREFIX_CACHE_MEASURES.map((m) => m.label)]);
    const better = withPrefixCache(base, { ...prefixCacheSummary(), hitRate: { tokens: 0.6, blocks: 0.58 }, prefillTokensSaved: 120_000 });
    const [hit, saved] = deltaRows([result, better, base], PREFIX_CACHE_MEASURES);
    expect(hit!.texts).toEqual(['49.0%', '60.0%', '–']);
    expect(hit!.deltas).toEqual(['', '+11.0 pt', '–']);
    expect(hit!.verdicts).toEqual(['none', 'better', 'none']);
    expect(saved!.texts).toEqual(['98,000', '120,000', '–']);
    expect(saved!.verdicts[1]).toBe('better');
  });
});
