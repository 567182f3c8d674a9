import type { LatencyStats } from '../../engine/metrics/latency-summary.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import type { RunSummary } from '../run-summary.js';
import { KEEP_UP_SHARE, keptUp } from '../../engine/metrics/sustained-rate.js';
import { estimate, meanOrNull } from '../statistics/estimate.js';
import { pressureOf, pressuredSignals } from './pressure.js';
import type { LatencyEstimate, PressureSignals, SaturationPoint } from './saturation-result.js';

const STATS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;

function latencyEstimate(stats: LatencyStats[]): LatencyEstimate {
  const out = {} as LatencyEstimate;
  for (const s of STATS) out[s] = meanOrNull(stats.map((x) => x[s]));
  return out;
}

/** How many mean end-to-end times a run needs before its steady window opens. */
export const WARM_UP_E2E_MULTIPLE = 2;

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
  // Keeping up: over the steady window the deployment completed (nearly) what arrived in it. One
  // that falls behind has a queue that grows for as long as the load lasts, so its latencies in a
  // finite run only show how long the run was: it cannot meet an SLO in steady state.
  // Measured against what a stable system started empty completes (sustained-rate.ts), the same
  // test that sets each run's throughput.window.keptUp, over the replications together.
  const completed = runs.reduce((a, r) => a + r.throughput.window.completionsPerSecond, 0) / runs.length;
  const stable = runs.reduce((a, r) => a + r.throughput.window.stableCompletionsPerSecond, 0) / runs.length;
  const keepsUp = keptUp(completed, stable);
  // Steady: the system had filled before the steady window opened. Requests in the system approach
  // arrival rate x mean e2e (Little's law) within about two mean e2e times of the load starting, so
  // the window's start (half the arrival window) must be at least that late. Shorter, a rate that
  // looks fine may only be a queue that has not had time to build.
  const windowStart = runs.reduce((a, r) => a + r.throughput.window.fromSeconds, 0) / runs.length;
  const e2eMean = runs.reduce((a, r) => a + (r.latency.e2e.mean ?? 0), 0) / runs.length;
  const steady = windowStart >= WARM_UP_E2E_MULTIPLE * e2eMean;
  const boundsMet = slo.every((b) => b.met);
  const hits = runs.map((r) => r.prefixHitRate).filter((v): v is number => v !== undefined);
  return {
    rate,
    replications: runs.length,
    latency: { ttft: metric('ttft'), tpot: metric('tpot'), itl: metric('itl'), e2e: metric('e2e'), queueWait: metric('queueWait') },
    throughput: {
      requestsPerSecond: estimate(runs.map((r) => r.sustained.requestsPerSecond)),
      outputTokensPerSecond: estimate(runs.map((r) => r.sustained.outputTokensPerSecond)),
    },
    slo,
    keepsUp,
    keepUp: { completionsPerSecond: completed, stableCompletionsPerSecond: stable, margin: completed > 0 ? (KEEP_UP_SHARE * stable) / completed : Infinity },
    steady: { windowStartSeconds: windowStart, e2eMeanSeconds: e2eMean, reached: steady },
    // Falling behind misses the SLO whatever the bounds read: its queue grows as long as the load
    // lasts, so in steady state every latency does.
    meetsSlo: hasSlo ? boundsMet && keepsUp : null,
    // A missed bound only gets worse with a longer run (queues build, they do not vanish), so it
    // is decisive. Falling behind is not, before steady state: a batch still filling trails its
    // arrivals too (a 4,000-request run near capacity reads "behind" at two thirds of the knee).
    // Met bounds need steady state as well.
    decided: !hasSlo || !boundsMet || steady,
    attainment: hasSlo ? estimate(runs.map((r) => r.slo.attainment ?? 0)) : null,
    // Goodput while load was offered: the attaining share of the sustained completions.
    goodputRequestsPerSecond: hasSlo ? estimate(runs.map((r) => (r.slo.attainment ?? 0) * r.sustained.requestsPerSecond)) : null,
    preemptions: estimate(runs.map((r) => r.requests.preempted)),
    // Falling behind what arrives is state pressure too: the backlog of running sequences grows.
    pressure: { ...raw, pressured: [...pressuredSignals(raw, scenario.serving.replicas, window), ...(keepsUp ? [] : ['falling-behind'])] },
    ...(hits.length === runs.length ? { prefixHitRate: estimate(hits) } : {}),
  };
}

/** The worst SLO bound's observed / bound at a point (> 1: broken; Infinity when unbounded by drops). */
export function boundsMargin(point: SaturationPoint, side: 'mean' | 'low' | 'high'): number {
  let worst = 0;
  for (const b of point.slo) {
    const v = b.observed === null ? Infinity : b.observed[side] / b.bound;
    if (v > worst) worst = v;
  }
  return worst;
}

/**
 * How far a point is from breaking the SLO (> 1: broken): the worst of the bounds' margin and the
 * keep-up margin (what the deployment should have completed / what it did), so the knee is where
 * the first bound breaks or the deployment stops keeping up, whichever comes first.
 */
export function sloMargin(point: SaturationPoint, side: 'mean' | 'low' | 'high'): number {
  return Math.max(boundsMargin(point, side), point.keepUp.margin);
}
