import { linearRegression } from 'simple-statistics';
import type { RunSummary } from '../run-summary.js';
import { windowMean } from '../../engine/metrics/series-window.js';
import type { PressureSignals } from './saturation-result.js';

/**
 * Thresholds past which a signal counts as pressure. They mark state building up, not latency
 * breaking: the point of measuring them is that they move first.
 */
export const PRESSURE_THRESHOLDS = {
  /** Queue grew over the second half of the arrival window by more than this many requests per replica... */
  queueGrowthRequests: 2,
  /** ...and by more than this fraction of its mean depth there (it is not draining). */
  queueGrowthRelative: 0.5,
  /** Mean KV occupancy over the arrival window. */
  kvOccupancy: 0.7,
  /** Preemptions per completed request. */
  preemptionsPerRequest: 0.01,
  /** Mean running sequences as a fraction of the sequence slots (queueing delay grows steeply past 0.8). */
  batchFill: 0.8,
} as const;

/** Least-squares slope of a series over [from, to), per second. */
function windowSlope(values: readonly number[], width: number, from: number, to: number): number {
  const pairs: [number, number][] = [];
  for (let i = Math.floor(from / width); i < values.length && (i + 0.5) * width < to; i++) {
    if ((i + 0.5) * width >= from) pairs.push([(i + 0.5) * width, values[i]!]);
  }
  return pairs.length < 3 ? 0 : linearRegression(pairs).m;
}

/** The raw pressure signals of one run, over its arrival window. */
export function pressureOf(run: RunSummary): Omit<PressureSignals, 'pressured'> {
  const { series } = run;
  const w = series.bucketSeconds;
  const end = Math.max(run.run.lastArrivalSeconds, w);
  return {
    queueDepth: windowMean(series.queueDepth, w, end / 2, end),
    queueGrowthPerSecond: windowSlope(series.queueDepth, w, end / 2, end),
    kvOccupancy: windowMean(series.kvOccupancy, w, 0, end),
    kvOccupancyPeak: run.utilization.kvOccupancyPeak,
    preemptionsPerRequest: run.requests.completed > 0 ? run.requests.preempted / run.requests.completed : 0,
    batchFill: windowMean(series.running, w, end / 2, end) / run.slots,
    busyFraction: run.utilization.gpuBusyFraction,
    communicationShare: run.utilization.communicationShare,
    admissionBlocked: run.utilization.admissionBlocked,
  };
}

/** Which signals are past their thresholds; `arrivalWindow` is the span the growth was measured over. */
export function pressuredSignals(p: Omit<PressureSignals, 'pressured'>, replicas: number, arrivalWindow: number): string[] {
  const t = PRESSURE_THRESHOLDS;
  const out: string[] = [];
  const growth = p.queueGrowthPerSecond * (arrivalWindow / 2);
  if (growth > t.queueGrowthRequests * replicas && growth > t.queueGrowthRelative * p.queueDepth) out.push('queue');
  if (p.kvOccupancy > t.kvOccupancy || p.preemptionsPerRequest > t.preemptionsPerRequest) out.push('kv-memory');
  if (p.batchFill > t.batchFill) out.push('batch-limit');
  return out;
}
