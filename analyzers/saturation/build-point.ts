import type { LatencyStats } from '../../engine/metrics/latency-summary.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import type { RunSummary } from '../run-summary.js';
import { estimate, meanOrNull } from '../statistics/estimate.js';
import { pressureOf, pressuredSignals } from './pressure.js';
import type { LatencyEstimate, PressureSignals, SaturationPoint } from './saturation-result.js';

const STATS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;

function latencyEstimate(stats: LatencyStats[]): LatencyEstimate {
  const out = {} as LatencyEstimate;
  for (const s of STATS) out[s] = meanOrNull(stats.map((x) => x[s]));
  return out;
}

/** Averages the replications of one rate into a point of the curve. */
export function buildPoint(rate: number, runs: readonly RunSummary[], scenario: Scenario): SaturationPoint {
  const metric = (m: keyof RunSummary['latency']) => latencyEstimate(runs.map((r) => r.latency[m]));
  const first = runs[0]!;
  const slo = first.slo.bounds.map((b, i) => {
    const observed = runs.map((r) => r.slo.bounds[i]!.observed);
    const known = observed.filter((v): v is number => v !== null);
    const est = known.length === runs.length ? estimate(known) : null;
    return { key: b.key, bound: b.bound, observed: est, met: est !== null && est.mean <= b.bound };
  });
  const hasSlo = scenario.slo !== null;
  const signals = runs.map(pressureOf);
  const avg = (pick: (p: (typeof signals)[number]) => number) => signals.reduce((a, p) => a + pick(p), 0) / signals.length;
  const raw: Omit<PressureSignals, 'pressured'> = {
    queueDepth: avg((p) => p.queueDepth),
    queueGrowthPerSecond: avg((p) => p.queueGrowthPerSecond),
    kvOccupancy: avg((p) => p.kvOccupancy),
    kvOccupancyPeak: avg((p) => p.kvOccupancyPeak),
    preemptionsPerRequest: avg((p) => p.preemptionsPerRequest),
    batchFill: avg((p) => p.batchFill),
    busyFraction: avg((p) => p.busyFraction),
    communicationShare: avg((p) => p.communicationShare),
    admissionBlocked: {
      batchLimit: avg((p) => p.admissionBlocked.batchLimit),
      tokenBudget: avg((p) => p.admissionBlocked.tokenBudget),
      kvMemory: avg((p) => p.admissionBlocked.kvMemory),
    },
  };
  const window = runs.reduce((a, r) => a + r.run.lastArrivalSeconds, 0) / runs.length;
  return {
    rate,
    replications: runs.length,
    latency: { ttft: metric('ttft'), tpot: metric('tpot'), itl: metric('itl'), e2e: metric('e2e'), queueWait: metric('queueWait') },
    throughput: {
      requestsPerSecond: estimate(runs.map((r) => r.sustained.requestsPerSecond)),
      outputTokensPerSecond: estimate(runs.map((r) => r.sustained.outputTokensPerSecond)),
    },
    slo,
    meetsSlo: hasSlo ? slo.every((b) => b.met) : null,
    attainment: hasSlo ? estimate(runs.map((r) => r.slo.attainment ?? 0)) : null,
    // Goodput while load was offered: the attaining share of the sustained completions.
    goodputRequestsPerSecond: hasSlo ? estimate(runs.map((r) => (r.slo.attainment ?? 0) * r.sustained.requestsPerSecond)) : null,
    preemptions: estimate(runs.map((r) => r.requests.preempted)),
    pressure: { ...raw, pressured: pressuredSignals(raw, scenario.serving.replicas, window) },
  };
}

/** How far a point is from breaking the SLO: the worst bound's observed / bound (> 1: broken). */
export function sloMargin(point: SaturationPoint, side: 'mean' | 'low' | 'high'): number {
  let worst = 0;
  for (const b of point.slo) {
    const v = b.observed === null ? Infinity : b.observed[side] / b.bound;
    if (v > worst) worst = v;
  }
  return worst;
}
