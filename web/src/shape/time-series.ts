import type { SeriesSet, SimulationResult } from '../../../engine/simulation-result.js';

/** The series a simulation result carries over simulated time, with their units. */
export const SERIES_METRICS = [
  { key: 'queueDepth', label: 'Queue depth', unit: 'waiting requests' },
  { key: 'running', label: 'Running sequences', unit: 'sequences' },
  { key: 'kvOccupancy', label: 'KV-cache occupancy', unit: '% of blocks' },
  { key: 'tokensPerSecond', label: 'Tokens per second', unit: 'prefill + decode tok/s' },
  { key: 'outputTokensPerSecond', label: 'Output tokens per second', unit: 'generated tok/s' },
  { key: 'completedPerSecond', label: 'Completed requests per second', unit: 'req/s' },
] as const satisfies readonly { key: keyof SeriesSet; label: string; unit: string }[];
export type SeriesMetric = (typeof SERIES_METRICS)[number]['key'];

/** One bucket of simulated time [t0, t1) and the series' mean over it. */
export interface TimePoint {
  t0: number;
  t1: number;
  value: number;
}

export interface TimeLine {
  /** Stable key: "total", "replica-3", or "result-1" in a comparison. */
  key: string;
  label: string;
  points: TimePoint[];
}

/**
 * Most points a line keeps. The engine already bounds its series to 240 buckets; this bound keeps
 * a hand-made or future result with finer series fast to draw (a 1,000,000-request run included).
 */
export const MAX_POINTS = 480;

/**
 * bucketPoints(values, bucketSeconds, endSeconds, maxPoints) -> one point per bucket, the last cut at
 * the end of the run; above maxPoints, k neighbouring buckets merge into one whose value is their
 * time-weighted mean (so a level keeps its average and a rate its total).
 */
export function bucketPoints(values: readonly number[] | undefined, bucketSeconds: number, endSeconds: number, maxPoints = MAX_POINTS): TimePoint[] {
  // undefined: an older result file without this series (completedPerSecond came later).
  if (!values || values.length === 0 || !(bucketSeconds > 0)) return [];
  const end = endSeconds > 0 ? endSeconds : values.length * bucketSeconds;
  const k = Math.max(1, Math.ceil(values.length / maxPoints));
  const points: TimePoint[] = [];
  for (let start = 0; start < values.length; start += k) {
    const t0 = start * bucketSeconds;
    if (t0 >= end && start > 0) break;
    let area = 0;
    let span = 0;
    for (let i = start; i < Math.min(values.length, start + k); i++) {
      const b0 = i * bucketSeconds;
      const b1 = Math.min(end, (i + 1) * bucketSeconds);
      const width = Math.max(0, b1 - b0);
      const v = values[i]!;
      if (!Number.isFinite(v) || width === 0) continue;
      area += v * width;
      span += width;
    }
    const t1 = Math.min(end, (start + k) * bucketSeconds);
    if (span > 0) points.push({ t0, t1, value: area / span });
  }
  return points;
}

/** The per-replica lines are drawn one by one up to this many replicas; above it, as one band. */
export const MAX_REPLICA_LINES = 8;

/**
 * simulationTimeLines(result, metric) -> the total line first, then one line per replica (none for a
 * single replica, whose line is the total).
 */
export function simulationTimeLines(result: SimulationResult, metric: SeriesMetric, maxPoints = MAX_POINTS): TimeLine[] {
  const { bucketSeconds, total, perReplica } = result.timeSeries;
  const end = result.run.simulatedSeconds;
  const lines: TimeLine[] = [{ key: 'total', label: totalLabel(metric, perReplica.length), points: bucketPoints(total[metric], bucketSeconds, end, maxPoints) }];
  if (perReplica.length > 1) {
    perReplica.forEach((set, i) => {
      lines.push({ key: `replica-${i}`, label: `Replica ${i}`, points: bucketPoints(set[metric], bucketSeconds, end, maxPoints) });
    });
  }
  return lines;
}

function totalLabel(metric: SeriesMetric, replicas: number): string {
  if (replicas <= 1) return 'Total';
  return metric === 'kvOccupancy' ? 'Mean of replicas' : 'Total of replicas';
}

/** comparisonTimeLines(results, metric) -> each result's total line, keyed result-<index>. */
export function comparisonTimeLines(results: readonly { label: string; result: SimulationResult }[], metric: SeriesMetric, maxPoints = MAX_POINTS): TimeLine[] {
  return results.map(({ label, result }, i) => ({
    key: `result-${i}`,
    label,
    points: bucketPoints(result.timeSeries.total[metric], result.timeSeries.bucketSeconds, result.run.simulatedSeconds, maxPoints),
  }));
}

/** The time extent [0, last bucket end] of a set of lines. */
export function timeExtent(lines: readonly TimeLine[]): [number, number] {
  const end = Math.max(0, ...lines.flatMap((l) => l.points.map((p) => p.t1)));
  return [0, end > 0 ? end : 1];
}

/** The index of the point whose bucket holds time t (the nearest one outside every bucket), or -1 for no points. */
export function pointIndexAt(points: readonly TimePoint[], t: number): number {
  if (points.length === 0) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t1 <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
