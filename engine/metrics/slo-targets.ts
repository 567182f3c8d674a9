import { SLO_METRICS, SLO_STATS, type SloKey, type SloMetric, type SloSpec } from '../scenario/scenario-types.js';

/**
 * Per-request targets derived from an SLO on statistics. A request attains the SLO when each of
 * its own latencies is within the bound of that metric's strictest statistic named: the highest
 * percentile given (P99 before P95 ... before P50), else the Mean bound. ITL has no per-request
 * value here (it is per token), so it only enters the aggregate check.
 */
export type PerRequestTargets = Partial<Record<Exclude<SloMetric, 'itl'>, number>>;

const STAT_PRECEDENCE = ['P99', 'P95', 'P90', 'P50', 'Mean'] as const;

export function perRequestTargets(slo: SloSpec): PerRequestTargets {
  const targets: PerRequestTargets = {};
  for (const metric of SLO_METRICS) {
    if (metric === 'itl') continue;
    for (const stat of STAT_PRECEDENCE) {
      const bound = slo[`${metric}${stat}` as SloKey];
      if (bound !== undefined) {
        targets[metric] = bound;
        break;
      }
    }
  }
  return targets;
}

/** The SLO's keys split into metric and statistic, in a fixed order. */
export function sloBounds(slo: SloSpec): { key: SloKey; metric: SloMetric; stat: (typeof SLO_STATS)[number]; bound: number }[] {
  const out = [];
  for (const metric of SLO_METRICS) {
    for (const stat of SLO_STATS) {
      const key = `${metric}${stat}` as SloKey;
      const bound = slo[key];
      if (bound !== undefined) out.push({ key, metric, stat, bound });
    }
  }
  return out;
}
