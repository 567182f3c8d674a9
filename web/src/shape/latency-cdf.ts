import type { CdfPoint, LatencyStats } from '../../../engine/metrics/latency-summary.js';
import type { SloBoundResult } from '../../../engine/simulation-result.js';

export type { CdfPoint };

/**
 * A latency distribution ready to draw. `from` says where the points came from: a result carrying
 * a dense `cdf` (quantile points) draws it as a curve; a result with only summary statistics draws
 * a step CDF through p50, p90, p95, p99 and max, and the chart says so.
 */
export interface CdfSeries {
  from: 'cdf' | 'percentiles';
  points: CdfPoint[];
  count: number;
}

/** The summary statistics a step CDF is drawn through, with the fraction each stands for. */
export const CDF_PERCENTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['max', 1],
] as const;

/** A latency entry, with its dense quantile points when the result has them (results before the `cdf` field do not). */
export type LatencyStatsWithCdf = Omit<LatencyStats, 'cdf'> & { cdf?: CdfPoint[] };

/** The latency metrics drawn as distributions, in display order. */
export const CDF_METRICS = [
  { key: 'ttft', label: 'TTFT (time to first token)' },
  { key: 'tpot', label: 'TPOT (time per output token)' },
  { key: 'e2e', label: 'E2E (end-to-end latency)' },
  { key: 'itl', label: 'ITL (inter-token latency)' },
  { key: 'queueWait', label: 'Queue wait (arrival to first schedule)' },
] as const;
export type CdfMetric = (typeof CDF_METRICS)[number]['key'];

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * latencyCdf(stats) -> the points of its distribution, non-decreasing in both seconds and fraction,
 * or null when the metric has no samples. Percentiles that round below an earlier one (an HDR
 * histogram keeps 3 significant digits) are lifted to it so the curve never steps backwards.
 */
export function latencyCdf(stats: LatencyStatsWithCdf): CdfSeries | null {
  if (!(stats.count > 0)) return null;
  const dense = Array.isArray(stats.cdf) ? stats.cdf.filter((p) => finite(p.seconds) && finite(p.fraction)) : [];
  const raw: CdfPoint[] =
    dense.length >= 2
      ? [...dense].sort((a, b) => a.fraction - b.fraction)
      : CDF_PERCENTILES.flatMap(([key, fraction]) => {
          const seconds = stats[key];
          return finite(seconds) ? [{ seconds, fraction }] : [];
        });
  if (raw.length === 0) return null;
  let floor = -Infinity;
  const points = raw.map((p) => {
    floor = Math.max(floor, p.seconds);
    return { seconds: floor, fraction: Math.min(1, Math.max(0, p.fraction)) };
  });
  return { from: dense.length >= 2 ? 'cdf' : 'percentiles', points, count: stats.count };
}

/** An SLO bound drawn on a distribution: a vertical line at the bound, ticked at its fraction. */
export interface SloMark {
  key: string;
  seconds: number;
  /** The fraction the bound's statistic stands for (0.99 for P99); null for a mean. */
  fraction: number | null;
  label: string;
  met: boolean;
}

/** sloMarks(bounds, 'ttft') -> the marks of every bound on that metric (ttftP99, ttftMean, ...). */
export function sloMarks(bounds: readonly SloBoundResult[], metric: string): SloMark[] {
  return bounds.flatMap((b) => {
    const match = /^([a-zA-Z]+?)(Mean|P50|P90|P95|P99)$/.exec(b.key);
    if (!match || match[1] !== metric || !finite(b.bound)) return [];
    const stat = match[2]!;
    const fraction = stat === 'Mean' ? null : Number(stat.slice(1)) / 100;
    const label = `SLO ${stat === 'Mean' ? 'mean' : stat.toLowerCase()}`;
    return [{ key: b.key, seconds: b.bound, fraction, label, met: b.met }];
  });
}

/** The x extent a set of distributions and marks needs, padded, positive (the axis is logarithmic). */
export function cdfExtent(series: readonly (CdfSeries | null)[], marks: readonly SloMark[]): [number, number] | null {
  const xs = [...series.flatMap((s) => s?.points.map((p) => p.seconds) ?? []), ...marks.map((m) => m.seconds)].filter((x) => x > 0);
  if (xs.length === 0) return null;
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? [lo / 2, hi * 2] : [lo / 1.25, hi * 1.25];
}
