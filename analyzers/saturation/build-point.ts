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

/**
 * Share of the window's arrivals a deployment must complete in the window to count as keeping up.
 * A stable system completes what arrives up to the queue's own fluctuation (a few % over a window
 * of a thousand requests); one that falls 5% behind is building a queue.
 */
export const KEEP_UP_SHARE = 0.95;
/** How many mean end-to-end times a run needs before its steady window opens. */
export const WARM_UP_E2E_MULTIPLE = 2;

/**
 * Mean over T in [from, to] of the share of requests whose e2e time is at most T, from a latency
 * CDF (fraction, seconds): what a stable system started at t = 0 has completed of its arrivals by T.
 */
export function finishedShare(cdf: readonly { fraction: number; seconds: number }[], from: number, to: number): number {
  if (cdf.length === 0 || !(to > from)) return 1;
  const at = (t: number): number => {
    if (t >= cdf.at(-1)!.seconds) return 1;
    let i = 0;
    while (i < cdf.length - 1 && cdf[i + 1]!.seconds <= t) i++;
    const a = cdf[i]!;
    const b = cdf[i + 1]!;
    if (t <= a.seconds) return a.fraction;
    return a.fraction + ((b.fraction - a.fraction) * (t - a.seconds)) / (b.seconds - a.seconds);
  };
  const samples = 32;
  let sum = 0;
  for (let k = 0; k < samples; k++) sum += at(from + ((k + 0.5) * (to - from)) / samples);
  return sum / samples;
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
  // Keeping up: over the steady window the deployment completed (nearly) what arrived in it. One
  // that falls behind has a queue that grows for as long as the load lasts, so its latencies in a
  // finite run only show how long the run was: it cannot meet an SLO in steady state.
  // Measured against what a stable system would complete there: load starts at t = 0, so at time
  // T only the arrivals whose end-to-end time is under T can have finished (the e2e CDF at T),
  // which long-tailed answers keep below 1 well into the window.
  const completed = runs.reduce((a, r) => a + r.throughput.requestsPerSecond, 0);
  const expected = runs.reduce(
    (a, r) => a + r.throughput.window.arrivalsPerSecond * finishedShare(r.latency.e2e.cdf, r.throughput.window.fromSeconds, r.throughput.window.toSeconds),
    0,
  );
  const keepsUp = completed >= KEEP_UP_SHARE * expected;
  // Steady: the system had filled before the steady window opened. Requests in the system approach
  // arrival rate x mean e2e (Little's law) within about two mean e2e times of the load starting, so
  // the window's start (half the arrival window) must be at least that late. Shorter, a rate that
  // looks fine may only be a queue that has not had time to build.
  const windowStart = runs.reduce((a, r) => a + r.throughput.window.fromSeconds, 0) / runs.length;
  const e2eMean = runs.reduce((a, r) => a + (r.latency.e2e.mean ?? 0), 0) / runs.length;
  const steady = windowStart >= WARM_UP_E2E_MULTIPLE * e2eMean;
  const boundsMet = slo.every((b) => b.met);
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
    steady: { windowStartSeconds: windowStart, e2eMeanSeconds: e2eMean, reached: steady },
    meetsSlo: hasSlo ? boundsMet : null,
    // A missed bound only gets worse with a longer run (queues build, they do not vanish), so it
    // is decisive; a met one needs a run that reached steady state.
    decided: !hasSlo || !boundsMet || steady,
    attainment: hasSlo ? estimate(runs.map((r) => r.slo.attainment ?? 0)) : null,
    // Goodput while load was offered: the attaining share of the sustained completions.
    goodputRequestsPerSecond: hasSlo ? estimate(runs.map((r) => (r.slo.attainment ?? 0) * r.sustained.requestsPerSecond)) : null,
    preemptions: estimate(runs.map((r) => r.requests.preempted)),
    // Falling behind what arrives is state pressure too: the backlog of running sequences grows.
    pressure: { ...raw, pressured: [...pressuredSignals(raw, scenario.serving.replicas, window), ...(keepsUp ? [] : ['falling-behind'])] },
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
