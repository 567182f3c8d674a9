import { DEFAULT_CLIENTS } from '../../engine/failures/failure-catalog.js';
import { componentCount, nextRandomFailure } from '../../engine/failures/failure-driver.js';
import { createRandomStreams } from '../../engine/kernel/random-streams.js';
import type { FailureSpec } from '../../engine/failures/failure-types.js';
import type { LoadedScenario } from '../../engine/scenario/load-scenario.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import { createJobRunner, type JobRunner } from '../run-points.js';
import type { RunSummary } from '../run-summary.js';
import { rateKnobOf } from '../saturation/rate-knob.js';
import { replicationSeed } from '../simulation-job.js';
import { SURVIVABILITY_RESULT_VERSION, type BoundaryPoint, type BoundarySize, type SurvivabilityResult, type SurvivalOutcome, type SurvivalTrial } from './survival-result.js';

/**
 * The Survivability analysis: which partial failures a deployment absorbs, and where one failure
 * propagates into collapse. Monte Carlo trials of the scenario's failures (each beside the same
 * seed without them: common random numbers), the survivability boundary (failure size x offered
 * load: absorbed, degraded, collapsed, metastable), and the spares that keep the SLO through one
 * node's failure at today's load.
 */
export interface SurvivalOptions {
  trials?: number;
  /** Offered rates of the boundary map; default the scenario's own x BOUNDARY_FACTORS. */
  rates?: number[];
  workers?: number;
  runner?: JobRunner;
  file?: string;
  onProgress?: (completed: number) => void;
}

export const DEFAULT_TRIALS = 8;
export const BOUNDARY_FACTORS = [0.5, 0.75, 1, 1.25, 1.5] as const;
const MAX_EXTRA_SPARES = 4;

const attainmentOf = (r: RunSummary) => r.slo.attainment ?? (r.requests.arrived > 0 ? r.requests.completed / r.requests.arrived : 0);
const goodputOf = (r: RunSummary) => r.slo.goodputRequestsPerSecond ?? r.throughput.requestsPerSecond;

/** Mean of a series over the buckets inside [from, to). */
function windowMean(values: readonly number[], bucket: number, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  values.forEach((v, i) => {
    const t = (i + 0.5) * bucket;
    if (t >= from && t < to) {
      sum += v;
      n++;
    }
  });
  return n === 0 ? 0 : sum / n;
}

/** Goodput over the last quarter of the arrival window, as a share of what arrived then. */
function endShare(r: RunSummary): number {
  const s = r.survival;
  const end = r.run.lastArrivalSeconds;
  if (s === undefined || !(end > 0)) return attainmentOf(r);
  const { bucketSeconds, goodputPerSecond, arrivalsPerSecond } = s.timeline;
  const offered = windowMean(arrivalsPerSecond, bucketSeconds, 0.75 * end, end);
  return offered > 0 ? windowMean(goodputPerSecond, bucketSeconds, 0.75 * end, end) / offered : 1;
}

function outcomeOf(r: RunSummary, baseline: RunSummary): SurvivalOutcome {
  const a = attainmentOf(r);
  const b = attainmentOf(baseline);
  if (a >= b - 0.05 && endShare(r) >= endShare(baseline) - 0.05) return 'absorbed';
  if (endShare(r) >= 0.9 * endShare(baseline)) return 'degraded';
  const failures = r.survival?.failures ?? [];
  const lateStart = 0.75 * r.run.lastArrivalSeconds;
  const allBack = failures.length > 0 && failures.every((f) => f.recoveredAt !== null && f.recoveredAt < lateStart);
  return allBack ? 'metastable' : 'collapsed';
}

function recoverySeconds(r: RunSummary): number | null {
  const failures = r.survival?.failures ?? [];
  if (failures.some((f) => f.recoveredAt === null)) return null;
  return failures.reduce((m, f) => Math.max(m, f.recoveredAt! - f.at), 0);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The scenario with these failures and the clients it (or the OpenAI default) has, so both runs take the same path. */
function withFailures(s: Scenario, failures: FailureSpec[]): Scenario {
  return { ...s, failures, clients: s.clients ?? DEFAULT_CLIENTS };
}

const oneOf = (kind: FailureSpec['kind'], at: number): FailureSpec => ({ kind, at, ratePerHour: null, rateSource: null, target: 0, duration: null, factor: 1 });

export async function analyzeSurvival(loaded: LoadedScenario, options: SurvivalOptions = {}): Promise<SurvivabilityResult> {
  const { scenario, data } = loaded;
  const file = options.file ?? scenario.name;
  const own = options.runner === undefined;
  const runner = options.runner ?? createJobRunner({ workers: options.workers, onProgress: options.onProgress });
  try {
    const trials = options.trials ?? DEFAULT_TRIALS;
    const seeds = Array.from({ length: trials }, (_, i) => replicationSeed(scenario.seed, i));
    // The baseline of the scenario's own seed sets the load window the default failure sits in.
    const [probe] = await runner.run([{ scenario: withFailures(scenario, []), seed: scenario.seed }]);
    const window = probe!.run.lastArrivalSeconds;
    const failures = scenario.failures.length > 0 ? scenario.failures : [oneOf('gpu', 0.25 * window)];
    const spareNote = scenario.recovery.spares > 0 ? `moving to one of ${scenario.recovery.spares} spare(s) after detection` : 'with no spare (recovery.spares) and no repair, so not within the run';
    const failuresSource = scenario.failures.length > 0 ? "the scenario's failures" : `none in the scenario: one GPU (of replica 0) failing at ${(0.25 * window).toFixed(1)} s, a quarter into the load, ${spareNote}`;

    // Random failures: trials draw the failures anew over the same arrivals (one baseline for all:
    // common random numbers), and a trial whose draws fall after the load never fails: it is the
    // baseline, not simulated again. Scheduled failures only: trials vary the arrivals instead.
    const random = failures.some((f) => f.at === null) && scenario.workload.arrival.process !== 'closed';
    const failureSeeds = seeds.map((seed) => (seed + 0x5bd1e995) >>> 0);
    let runs: RunSummary[];
    if (random) {
      // The probe is that baseline: the scenario's own seed, no failures.
      const baseline = probe;
      const strikes = failureSeeds.map((fs) => firstFailureAt(scenario, failures, fs) < probe!.run.lastArrivalSeconds);
      const simulated = await runner.run(failureSeeds.flatMap((fs, i) => (strikes[i] ? [{ scenario: withFailures(scenario, failures), seed: scenario.seed, failureSeed: fs }] : [])));
      let k = 0;
      runs = failureSeeds.flatMap((_, i) => [strikes[i] ? simulated[k++]! : baseline!, baseline!]);
    } else {
      runs = await runner.run(
        seeds.flatMap((seed) => [
          { scenario: withFailures(scenario, failures), seed },
          { scenario: withFailures(scenario, []), seed },
        ]),
      );
    }
    const perTrial: SurvivalTrial[] = seeds.map((seed, i) => {
      const r = runs[2 * i]!;
      const b = runs[2 * i + 1]!;
      const s = r.survival!;
      return {
        seed: random ? failureSeeds[i]! : seed,
        attainment: attainmentOf(r),
        baselineAttainment: attainmentOf(b),
        goodput: goodputOf(r),
        baselineGoodput: goodputOf(b),
        lostInFlight: s.requests.lostInFlight,
        retried: s.requests.retried,
        failedAfterRetries: s.requests.failedAfterRetries,
        timedOut: s.requests.timedOut,
        reprefillTokens: s.work.reprefillTokens,
        recoverySeconds: recoverySeconds(r),
        outcome: outcomeOf(r, b),
      };
    });
    const curve = perTrial.map((t) => t.attainment).sort((a, b) => a - b);
    const outcomes: Record<SurvivalOutcome, number> = { absorbed: 0, degraded: 0, collapsed: 0, metastable: 0 };
    for (const t of perTrial) outcomes[t.outcome]++;
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const first = runs[0]!.survival!;
    const meanSeries = (pick: (r: RunSummary) => readonly number[]) => {
      const series = seeds.map((_, i) => pick(runs[2 * i]!));
      const n = Math.min(...series.map((x) => x.length));
      return Array.from({ length: n }, (_, k) => mean(series.map((x) => x[k]!)));
    };

    // The boundary map: each failure size at each offered rate, against the same rate without it.
    let boundary: SurvivabilityResult['boundary'] = null;
    let boundaryReason: string | null = null;
    let spares: SurvivabilityResult['spares'] = null;
    try {
      const knob = rateKnobOf(scenario, data, file);
      const rates = options.rates ?? BOUNDARY_FACTORS.map((f) => Math.round(knob.currentRate * f * 1000) / 1000);
      const racks = componentCount(scenario, 'rack');
      const sizes: { size: string; kind: FailureSpec['kind'] }[] = [{ size: '1 GPU', kind: 'gpu' }];
      if (scenario.cluster.nodes > 1) sizes.push({ size: '1 node', kind: 'node' });
      if (racks > 1) sizes.push({ size: '1 rack', kind: 'rack' });
      const at = (rate: number) => (0.25 * window * knob.currentRate) / rate;
      const grid = sizes.flatMap(({ kind }) => rates.map((rate) => ({ kind, rate })));
      const mapRuns = await runner.run(
        grid.flatMap(({ kind, rate }) => [
          { scenario: withFailures(knob.withRate(rate), [oneOf(kind, at(rate))]), seed: scenario.seed },
          { scenario: withFailures(knob.withRate(rate), []), seed: scenario.seed },
        ]),
      );
      const sized: BoundarySize[] = sizes.map(({ size, kind }, si) => {
        const points: BoundaryPoint[] = rates.map((rate, ri) => {
          const k = si * rates.length + ri;
          const r = mapRuns[2 * k]!;
          const b = mapRuns[2 * k + 1]!;
          return {
            rate,
            outcome: outcomeOf(r, b),
            attainment: attainmentOf(r),
            endGoodputShare: endShare(r),
            recoveredAt: r.survival!.failures[0]?.recoveredAt ?? null,
            lostInFlight: r.survival!.requests.lostInFlight,
            retried: r.survival!.requests.retried,
          };
        });
        const surviving = points.filter((p) => p.outcome === 'absorbed' || p.outcome === 'degraded');
        return { size, failure: oneOf(kind, at(knob.currentRate)), points, boundaryRate: surviving.length === 0 ? null : Math.max(...surviving.map((p) => p.rate)) };
      });
      boundary = { rates, sizes: sized };

      // N+k: extra replicas until one node's (or, on one node, one GPU's) failure keeps the SLO at today's load.
      const kind = scenario.cluster.nodes > 1 ? 'node' : 'gpu';
      const label = kind === 'node' ? '1 node' : '1 GPU';
      if (scenario.slo === null) {
        spares = { failure: label, rate: knob.currentRate, needed: null, tried: [], reason: 'the scenario states no slo to keep' };
      } else if (scenario.serving.disaggregation !== null) {
        spares = { failure: label, rate: knob.currentRate, needed: null, tried: [], reason: 'a disaggregated deployment has two pools to add to: compare them with saturation --vary' };
      } else {
        const shape = scenario.serving.tensorParallelSize * scenario.serving.pipelineParallelSize;
        const tried: { extra: number; meetsSlo: boolean; attainment: number }[] = [];
        const candidates = Array.from({ length: MAX_EXTRA_SPARES + 1 }, (_, extra) => {
          const replicas = scenario.serving.replicas + extra;
          const nodes = Math.max(scenario.cluster.nodes, Math.ceil((replicas * shape) / scenario.cluster.gpusPerNode));
          return { ...scenario, cluster: { ...scenario.cluster, nodes }, serving: { ...scenario.serving, replicas } };
        });
        const spareRuns = await runner.run(candidates.map((c) => ({ scenario: withFailures(c, [oneOf(kind, 0.25 * window)]), seed: scenario.seed })));
        let needed: number | null = null;
        spareRuns.forEach((r, extra) => {
          const meets = r.slo.bounds.every((b) => b.met);
          tried.push({ extra, meetsSlo: meets, attainment: attainmentOf(r) });
          if (meets && needed === null) needed = extra;
        });
        spares = { failure: label, rate: knob.currentRate, needed, tried, reason: needed === null ? `even ${MAX_EXTRA_SPARES} extra replicas miss the SLO through the failure` : null };
      }
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      boundaryReason = error.issues.map((i) => i.message).join('; ');
    }

    const partial: Omit<SurvivabilityResult, 'findings'> = {
      kind: 'survivability',
      version: SURVIVABILITY_RESULT_VERSION,
      seed: scenario.seed,
      scenario,
      failures,
      failuresSource,
      trials: {
        count: trials,
        perTrial,
        attainment: { mean: mean(curve), p5: quantile(curve, 0.05), p95: quantile(curve, 0.95) },
        baselineAttainment: mean(perTrial.map((t) => t.baselineAttainment)),
        // Clamped at 0: a trial may come out a hair above its baseline (float rounding, or luck).
        goodputLoss: Math.max(0, mean(perTrial.map((t) => (t.baselineGoodput > 0 ? 1 - t.goodput / t.baselineGoodput : 0)))),
        survivalCurve: curve,
        outcomes,
      },
      timeline: {
        bucketSeconds: first.timeline.bucketSeconds,
        goodputPerSecond: meanSeries((r) => r.survival!.timeline.goodputPerSecond),
        baselineGoodputPerSecond: meanOf(seeds.map((_, i) => runs[2 * i + 1]!)),
        arrivalsPerSecond: meanSeries((r) => r.survival!.timeline.arrivalsPerSecond),
        markers: first.failures.map((f) => ({ kind: f.kind, at: f.at, detectedAt: f.detectedAt, recoveredAt: f.recoveredAt })),
      },
      boundary,
      boundaryReason,
      spares,
    };
    return { ...partial, findings: findingsOf(partial) };
  } finally {
    if (own) await runner.close();
  }
}

/** When the first random failure of any line would strike with this failures seed (as the driver draws it). */
function firstFailureAt(s: Scenario, failures: readonly FailureSpec[], failureSeed: number): number {
  const random = createRandomStreams(failureSeed).stream('failures');
  let first = Infinity;
  for (const f of failures) {
    if (f.at !== null) return 0;
    first = Math.min(first, nextRandomFailure(s, f, random).gap);
  }
  return first;
}

/** Mean goodput per bucket of baseline runs (completions within the SLO, from their total series). */
function meanOf(baselines: readonly RunSummary[]): number[] {
  const series = baselines.map((b) => b.survival?.timeline.goodputPerSecond ?? []);
  const n = Math.min(...series.map((x) => x.length));
  return Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, k) => series.reduce((a, x) => a + x[k]!, 0) / series.length);
}

function findingsOf(r: Omit<SurvivabilityResult, 'findings'>): string[] {
  const out: string[] = [];
  const t = r.trials;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  out.push(`Failures: ${r.failuresSource}.`);
  out.push(
    `Over ${t.count} trials SLO attainment was ${pct(t.attainment.mean)} (5th percentile ${pct(t.attainment.p5)}) against ${pct(t.baselineAttainment)} without the failures; ` +
      `${pct(t.goodputLoss)} of the goodput lost. Outcomes: ${Object.entries(t.outcomes).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')}.`,
  );
  const lost = t.perTrial.reduce((a, x) => a + x.lostInFlight, 0) / Math.max(1, t.count);
  const retried = t.perTrial.reduce((a, x) => a + x.retried, 0) / Math.max(1, t.count);
  const gaveUp = t.perTrial.reduce((a, x) => a + x.failedAfterRetries + x.timedOut, 0) / Math.max(1, t.count);
  out.push(`Per trial: ${lost.toFixed(0)} requests lost in flight, ${retried.toFixed(0)} retries sent (their prompts prefilled again), ${gaveUp.toFixed(0)} requests given up on.`);
  if (r.boundary !== null) {
    for (const s of r.boundary.sizes) {
      out.push(`${s.size}: ${s.boundaryRate === null ? 'collapses at every swept rate' : `survived up to ${s.boundaryRate} req/s`} (${s.points.map((p) => `${p.rate}: ${p.outcome}`).join(', ')}).`);
    }
  }
  if (r.spares !== null) {
    out.push(r.spares.needed === null ? `N+k: ${r.spares.reason}.` : `N+k: ${r.spares.needed} extra replica${r.spares.needed === 1 ? '' : 's'} keep the SLO through ${r.spares.failure}'s failure at ${r.spares.rate} req/s.`);
  }
  return out;
}
