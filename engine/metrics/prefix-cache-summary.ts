import type { Replica } from '../replica/replica.js';
import { TimeSeries } from './time-series.js';
import { TIME_SERIES_BUCKETS } from './run-metrics.js';

/** What prefix caching did over a run (result.prefixCache): vLLM's prefix_cache_queries / _hits, and more. */
export interface PrefixCacheSummary {
  blockSize: number;
  /** Hit tokens / queried tokens and hit blocks / queried blocks, over every admission (re-admissions after preemption included, as vLLM counts). */
  hitRate: { tokens: number; blocks: number };
  /** Prompt tokens looked up at admission. */
  queriedTokens: number;
  /** Prompt tokens served from the cache: prefill tokens saved. */
  prefillTokensSaved: number;
  /** Requests admitted at least once, and the mean prompt tokens the cache served at their first admission. */
  requests: number;
  cachedTokensPerRequest: number;
  /** Cached blocks evicted (least recently freed first) to make room. */
  evictedBlocks: number;
  /** Per engine: its hit rate shows how well routing kept prompts with their prefixes (affinity imbalance shows in requests). */
  perReplica: { replica: number; requests: number; queriedTokens: number; hitTokens: number; hitRate: number; evictedBlocks: number }[];
  /** Over time, cluster-wide: hit rate of the tokens queried in each bucket (null: none queried), and tokens queried per second. */
  series: { bucketSeconds: number; hitRate: (number | null)[]; queriedTokensPerSecond: number[] };
}

/** Hit and queried tokens over time, cluster-wide (filled at each admission). */
export class PrefixCacheSeries {
  readonly queried = new TimeSeries(TIME_SERIES_BUCKETS, 0.25);
  readonly hit = new TimeSeries(TIME_SERIES_BUCKETS, 0.25);

  record(time: number, queriedTokens: number, hitTokens: number): void {
    this.queried.addAmount(time, queriedTokens);
    this.hit.addAmount(time, hitTokens);
  }
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** The run's prefix-cache figures; null when no engine caches or no request carried a prefix chain. */
export function summarizePrefixCache(replicas: readonly Replica[], series: PrefixCacheSeries, end: number): PrefixCacheSummary | null {
  const cached = replicas.filter((r) => r.prefixCache !== null);
  if (cached.length === 0 || cached.every((r) => r.prefixCache!.counters.requests === 0)) return null;
  const total = { queriedTokens: 0, hitTokens: 0, queriedBlocks: 0, hitBlocks: 0, evictedBlocks: 0, requests: 0, requestCachedTokens: 0 };
  for (const r of cached) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r.prefixCache!.counters[k];
  series.queried.advance(end);
  series.hit.advance(end);
  const queried = series.queried.values(end);
  const hit = series.hit.values(end);
  return {
    blockSize: cached[0]!.config.blockSize,
    hitRate: { tokens: ratio(total.hitTokens, total.queriedTokens), blocks: ratio(total.hitBlocks, total.queriedBlocks) },
    queriedTokens: total.queriedTokens,
    prefillTokensSaved: total.hitTokens,
    requests: total.requests,
    cachedTokensPerRequest: ratio(total.requestCachedTokens, total.requests),
    evictedBlocks: total.evictedBlocks,
    perReplica: cached.map((r) => {
      const c = r.prefixCache!.counters;
      return { replica: r.index, requests: c.requests, queriedTokens: c.queriedTokens, hitTokens: c.hitTokens, hitRate: ratio(c.hitTokens, c.queriedTokens), evictedBlocks: c.evictedBlocks };
    }),
    series: { bucketSeconds: series.queried.bucketSeconds, hitRate: queried.map((q, i) => (q > 0 ? hit[i]! / q : null)), queriedTokensPerSecond: queried },
  };
}
