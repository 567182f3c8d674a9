import type { PrefixCacheSummary } from '../../../engine/metrics/prefix-cache-summary.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { formatCount, formatNumber, formatPercent, formatRatio, formatSeconds } from '../format.js';
import { SIMULATION_MEASURES, type Measure } from './deltas.js';
import { finite } from './fabric-links.js';
import type { HeadlineCard } from './headline.js';
import { MAX_SECTION_BUCKETS } from './simulation-sections.js';

/**
 * A simulation's prefix cache (result.prefixCache) as the report draws it: the headline figures,
 * the cluster's hit rate over time (a gap where no prompt was looked up) and each replica's hit
 * rate beside the requests routed to it (affinity imbalance shows there). Every figure is read
 * defensively (finite, non-negative, shares clamped to 0-1, lists bounded), as the other
 * sections are. Pure and DOM-free.
 */

/** Most replicas drawn and listed (the report's bound on replicas). */
export const MAX_PREFIX_REPLICAS = 4_096;

/** One bucket of the hit-rate line: at `t` seconds (bucket index × bucketSeconds); null: no prompt looked up. */
export interface HitRatePoint {
  t: number;
  /** Hit tokens / queried tokens in the bucket, 0-1; null when none were queried. */
  hitRate: number | null;
  /** Prompt tokens looked up per second in the bucket. */
  queriedTokensPerSecond: number;
  /** A value with no value beside it: a line cannot show it, so the chart draws a dot. */
  isolated: boolean;
}

export interface HitRateSeries {
  bucketSeconds: number;
  points: HitRatePoint[];
  /** [0, buckets × bucketSeconds]: the x axis. */
  extent: [number, number];
  /** Buckets with a hit rate (the rest are gaps). */
  measured: number;
}

export interface ReplicaHitBar {
  replica: number;
  requests: number;
  queriedTokens: number;
  hitTokens: number;
  /** 0-1. */
  hitRate: number;
  evictedBlocks: number;
  /** Requests against an even share of all replicas' requests (1 = even); null when there were none. */
  requestShare: number | null;
  /** "Replica 2: hit rate 50.0% (25,000 of 50,000 prompt tokens), 50 requests (1.00× an even share), 40 blocks evicted" */
  title: string;
}

export interface PrefixCacheModel {
  cards: HeadlineCard[];
  /** "Prefix caching served 49.0% of the 200,000 prompt tokens looked up (48.0% of 16-token blocks): 98,000 prefill tokens saved." */
  sentence: string;
  /** How routing spread the requests and how the hit rate varied between replicas; null with one replica. */
  imbalance: string | null;
  series: HitRateSeries;
  replicas: ReplicaHitBar[];
  /** Replicas in the result beyond MAX_PREFIX_REPLICAS (not drawn). */
  replicasLeftOut: number;
  /** All replicas' requests / the replicas drawn: the dashed line of the bar chart. */
  evenShare: number;
  maxRequests: number;
}

const amount = (n: unknown): number => (finite(n) && n > 0 ? n : 0);
const share = (n: unknown): number => (finite(n) ? Math.min(1, Math.max(0, n)) : 0);
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** hasPrefixCache(result) -> whether the result carries a prefix-cache section. */
export function hasPrefixCache(result: SimulationResult): boolean {
  const p = (result as { prefixCache?: unknown }).prefixCache;
  return p !== undefined && p !== null && typeof p === 'object' && !Array.isArray(p);
}

function prefixCacheOf(result: SimulationResult): PrefixCacheSummary | null {
  return hasPrefixCache(result) ? result.prefixCache! : null;
}

/** hitRateSeries(summary) -> the hit rate per bucket at index × bucketSeconds, null buckets kept as gaps. */
export function hitRateSeries(summary: PrefixCacheSummary): HitRateSeries {
  const s = (summary.series ?? {}) as Partial<PrefixCacheSummary['series']>;
  const bucket = finite(s.bucketSeconds) && s.bucketSeconds > 0 ? s.bucketSeconds : 1;
  const rates = list<unknown>(s.hitRate).slice(0, MAX_SECTION_BUCKETS);
  const queried = list<unknown>(s.queriedTokensPerSecond).slice(0, MAX_SECTION_BUCKETS);
  const n = Math.max(rates.length, queried.length);
  const values = Array.from({ length: n }, (_, i): number | null => {
    const v = rates[i];
    return finite(v) ? share(v) : null;
  });
  const points = values.map((hitRate, i): HitRatePoint => ({
    t: i * bucket,
    hitRate,
    queriedTokensPerSecond: amount(queried[i]),
    isolated: hitRate !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null,
  }));
  return { bucketSeconds: bucket, points, extent: [0, Math.max(1, n) * bucket], measured: values.filter((v) => v !== null).length };
}

/** replicaHitBars(summary) -> a bar per replica (at most MAX_PREFIX_REPLICAS) with its requests against an even share. */
export function replicaHitBars(summary: PrefixCacheSummary): { bars: ReplicaHitBar[]; evenShare: number; leftOut: number } {
  const all = list<Partial<PrefixCacheSummary['perReplica'][number]> | null>(summary.perReplica);
  const rows = all.slice(0, MAX_PREFIX_REPLICAS).map((r, i) => (r !== null && typeof r === 'object' ? r : { replica: i }));
  const total = rows.reduce((sum, r) => sum + amount(r.requests), 0);
  const evenShare = rows.length > 0 ? total / rows.length : 0;
  const bars = rows.map((r, i): ReplicaHitBar => {
    const replica = finite(r.replica) && r.replica >= 0 ? Math.round(r.replica) : i;
    const requests = amount(r.requests);
    const queriedTokens = amount(r.queriedTokens);
    const hitTokens = amount(r.hitTokens);
    const hitRate = share(r.hitRate);
    const evictedBlocks = amount(r.evictedBlocks);
    const requestShare = evenShare > 0 ? requests / evenShare : null;
    const shareText = requestShare === null ? '' : ` (${formatRatio(requestShare)} an even share)`;
    return {
      replica,
      requests,
      queriedTokens,
      hitTokens,
      hitRate,
      evictedBlocks,
      requestShare,
      title: `Replica ${replica}: hit rate ${formatPercent(hitRate)} (${formatCount(hitTokens)} of ${formatCount(queriedTokens)} prompt tokens), ${formatCount(requests)} request${requests === 1 ? '' : 's'}${shareText}, ${formatCount(evictedBlocks)} block${evictedBlocks === 1 ? '' : 's'} evicted`,
    };
  });
  return { bars, evenShare, leftOut: Math.max(0, all.length - rows.length) };
}

/** imbalanceSentence(bars, evenShare) -> the spread of requests and of hit rates over the replicas; null with fewer than two. */
export function imbalanceSentence(bars: readonly ReplicaHitBar[], evenShare: number): string | null {
  if (bars.length < 2) return null;
  const busiest = bars.reduce((a, b) => (b.requests > a.requests ? b : a));
  const quietest = bars.reduce((a, b) => (b.requests < a.requests ? b : a));
  const best = bars.reduce((a, b) => (b.hitRate > a.hitRate ? b : a));
  const worst = bars.reduce((a, b) => (b.hitRate < a.hitRate ? b : a));
  const spread =
    evenShare > 0
      ? `Requests per replica: ${formatCount(quietest.requests)} (replica ${quietest.replica}) to ${formatCount(busiest.requests)} (replica ${busiest.replica}), ${formatRatio(busiest.requests / evenShare)} an even share of ${formatNumber(evenShare)}`
      : 'No replica admitted a request';
  return `${spread}; hit rate from ${formatPercent(worst.hitRate)} (replica ${worst.replica}) to ${formatPercent(best.hitRate)} (replica ${best.replica}).`;
}

/** prefixCacheModel(result) -> the prefix-cache section as drawn; null when the result has none. */
export function prefixCacheModel(result: SimulationResult): PrefixCacheModel | null {
  const p = prefixCacheOf(result);
  if (p === null) return null;
  const hit = (p.hitRate ?? {}) as Partial<PrefixCacheSummary['hitRate']>;
  const tokens = share(hit.tokens);
  const blocks = share(hit.blocks);
  const blockSize = finite(p.blockSize) && p.blockSize > 0 ? Math.round(p.blockSize) : null;
  const queried = amount(p.queriedTokens);
  const saved = amount(p.prefillTokensSaved);
  const requests = amount(p.requests);
  const perRequest = amount(p.cachedTokensPerRequest);
  const evicted = amount(p.evictedBlocks);
  const blockWords = blockSize === null ? 'blocks' : `${formatCount(blockSize)}-token blocks`;
  const cards: HeadlineCard[] = [
    { key: 'prefix-hit-rate', label: 'Prefix cache hit rate', value: formatPercent(tokens), detail: `of prompt tokens looked up · ${formatPercent(blocks)} of ${blockWords}`, status: 'none' },
    { key: 'prefix-saved', label: 'Prefill tokens saved', value: formatCount(saved), detail: `served from the cache, of ${formatCount(queried)} looked up`, status: 'none' },
    { key: 'prefix-per-request', label: 'Cached tokens per request', value: formatNumber(perRequest), detail: 'mean, at each request’s first admission', status: 'none' },
    { key: 'prefix-evicted', label: 'Evicted blocks', value: formatCount(evicted), detail: 'cached blocks evicted to make room (least recently freed first)', status: 'none' },
    { key: 'prefix-requests', label: 'Requests', value: formatCount(requests), detail: 'admitted at least once and looked up in the cache', status: 'none' },
  ];
  const sentence = `Prefix caching served ${formatPercent(tokens)} of the ${formatCount(queried)} prompt tokens looked up (${formatPercent(blocks)} of ${blockWords}): ${formatCount(saved)} prefill tokens saved, ${formatNumber(perRequest)} per request on average, and ${formatCount(evicted)} block${evicted === 1 ? '' : 's'} evicted to make room.`;
  const series = hitRateSeries(p);
  const { bars, evenShare, leftOut } = replicaHitBars(p);
  return {
    cards,
    sentence,
    imbalance: imbalanceSentence(bars, evenShare),
    series,
    replicas: bars,
    replicasLeftOut: leftOut,
    evenShare,
    maxRequests: Math.max(0, ...bars.map((b) => b.requests)),
  };
}

/** hitRateNote(series) -> the line chart's note: its buckets and what a gap means. */
export function hitRateNote(series: HitRateSeries): string {
  const gaps = series.points.length - series.measured;
  return `hit rate of the prompt tokens looked up in each ${formatSeconds(series.bucketSeconds)} bucket${gaps > 0 ? `; ${formatCount(gaps)} gap${gaps === 1 ? '' : 's'} where no prompt was looked up` : ''}`;
}

/** The per-replica table's header. */
export const PREFIX_REPLICA_COLUMNS = ['Replica', 'Requests', 'Against an even share', 'Prompt tokens looked up', 'Served from the cache', 'Hit rate', 'Evicted blocks'] as const;

/** prefixReplicaRows(model) -> the per-replica table's cells. */
export function prefixReplicaRows(model: PrefixCacheModel): string[][] {
  return model.replicas.map((b) => [
    String(b.replica),
    formatCount(b.requests),
    b.requestShare === null ? '–' : formatRatio(b.requestShare),
    formatCount(b.queriedTokens),
    formatCount(b.hitTokens),
    formatPercent(b.hitRate),
    formatCount(b.evictedBlocks),
  ]);
}

/** The prefix-cache rows of a comparison's delta table. */
export const PREFIX_CACHE_MEASURES: Measure<SimulationResult>[] = [
  { label: 'Prefix cache hit rate', better: 'higher', pick: (r) => (hasPrefixCache(r) && finite(r.prefixCache!.hitRate?.tokens) ? share(r.prefixCache!.hitRate.tokens) : null), format: (n) => formatPercent(n), fraction: true },
  { label: 'Prefill tokens saved', better: 'higher', pick: (r) => (hasPrefixCache(r) && finite(r.prefixCache!.prefillTokensSaved) ? amount(r.prefixCache!.prefillTokensSaved) : null), format: formatCount },
];

/** simulationMeasures(results) -> the comparison's measures: the prefix-cache rows only when a result has the section. */
export function simulationMeasures(results: readonly SimulationResult[]): Measure<SimulationResult>[] {
  return results.some(hasPrefixCache) ? [...SIMULATION_MEASURES, ...PREFIX_CACHE_MEASURES] : SIMULATION_MEASURES;
}
