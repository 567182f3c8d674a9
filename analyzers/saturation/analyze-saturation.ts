import type { LoadedScenario } from '../../engine/scenario/load-scenario.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import { calibrationOf } from '../../engine/step-time/calibration-of.js';
import { costAt } from '../../engine/metrics/cost.js';
import { createJobRunner, type JobRunner } from '../run-points.js';
import { replicationSeed, type SimulationJob } from '../simulation-job.js';
import { MIN_BLOCKED_FRACTION, nameBottleneck } from './bottleneck.js';
import { knobsFor } from './knob-trial.js';
import { boundsMargin, buildPoint, sloMargin } from './build-point.js';
import { bisectKnee, findKnee, firstCrossing } from './find-knee.js';
import { rateKnobOf } from './rate-knob.js';
import { SATURATION_RESULT_VERSION, type BottleneckName, type KnobTrial, type SaturationPoint, type SaturationResult, type Sizing } from './saturation-result.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import { SCENARIO_BOUNDS } from '../../engine/scenario/scenario-schema.js';
import { gpusInUse } from '../../engine/scenario/deployment.js';

export const DEFAULT_REPLICATIONS = 3;
export const DEFAULT_PRECISION = 0.02;
/** Search bounds, relative to the starting rate and absolute (the scenario schema's own cap). */
const MAX_RATE = 1e5;
const MIN_RATE_FACTOR = 1 / 1024;
/**
 * Relative error of step-time constants borrowed from another GPU family, as measured when MI300X
 * borrowed the A100 fit: median 19-22% off AMD's published static batches (p90 ~50%; see
 * analyzers/calibration/family-fits.ts, "before"). A saturation rate found with borrowed constants
 * gets at least this much interval on each side.
 */
export const BORROWED_CALIBRATION_ERROR = 0.25;

export interface SaturationOptions {
  /** Evaluate exactly these rates (a sweep) instead of searching. */
  rates?: number[];
  replications?: number;
  /** Relative precision of the bisection (search mode). */
  precision?: number;
  /** Worker threads (ignored when `runner` is given). */
  workers?: number;
  /** A runner to share between analyses (the --vary comparison). */
  runner?: JobRunner;
  onProgress?: (completed: number) => void;
  /** The scenario file, to name it in errors. */
  file?: string;
  /** Also answer: how many replicas carry this rate (req/s) under the SLO? */
  targetRate?: number;
}

/**
 * The Inference Saturation analysis: at what offered rate does the deployment stop meeting its
 * SLO, where does state pressure begin, what saturates first, and how much headroom is left at
 * the scenario's own rate. Every rate runs `replications` seeded simulations; replication i uses
 * the same seed at every rate (common random numbers), so curves are smooth and comparable.
 */
export async function analyzeSaturation(loaded: LoadedScenario, options: SaturationOptions = {}): Promise<SaturationResult> {
  const { scenario, data } = loaded;
  const file = options.file ?? scenario.name;
  // A trace fixes every arrival and length and nothing else in a run is random: replications would
  // be identical, so one is run (and the interval says it measures no run-to-run spread).
  const deterministic = scenario.workload.arrival.process === 'trace';
  const replications = deterministic ? 1 : (options.replications ?? DEFAULT_REPLICATIONS);
  const precision = options.precision ?? DEFAULT_PRECISION;
  const knob = rateKnobOf(scenario, data, file);
  const hasSlo = scenario.slo !== null && Object.keys(scenario.slo).length > 0;
  if (options.rates === undefined && !hasSlo) {
    throw new ScenarioError([
      { file, path: ['slo'], message: 'expected an slo (e.g. { ttftP99: 2s }) to search for the rate that breaks it, got none; or give --rates to sweep a grid' },
    ]);
  }
  const runner = options.runner ?? createJobRunner({ workers: options.workers, onProgress: options.onProgress });
  let simulations = 0;
  const evaluated = new Map<number, SaturationPoint>();

  const jobsFor = (rate: number): SimulationJob[] =>
    Array.from({ length: replications }, (_, i) => ({ scenario: knob.withRate(rate), seed: replicationSeed(scenario.seed, i) }));
  /** Evaluates the rates not seen yet, all their replications at once (parallel on the pool). */
  const evaluate = async (rates: number[]): Promise<void> => {
    const fresh = [...new Set(rates)].filter((r) => !evaluated.has(r));
    const runs = await runner.run(fresh.flatMap(jobsFor));
    simulations += runs.length;
    fresh.forEach((rate, k) => evaluated.set(rate, buildPoint(rate, runs.slice(k * replications, (k + 1) * replications), scenario)));
  };
  const pointAt = async (rate: number): Promise<SaturationPoint> => {
    await evaluate([rate]);
    return evaluated.get(rate)!;
  };
  /** Whether `rate` meets the SLO; a rate a longer run could decide otherwise throws RunTooShort. */
  const decidedMeets = async (rate: number): Promise<boolean> => {
    const point = await pointAt(rate);
    if (!point.decided) throw new RunTooShort(point);
    return point.meetsSlo === true;
  };

  try {
    let searchFailure: string | null = null;
    if (options.rates !== undefined) {
      await evaluate(options.rates);
      // Refine around the break and the onset as the search does, so a grid and a search of the
      // same scenario tell the same story (the grid's spacing is not the diagnosis's resolution).
      if (hasSlo) {
        const sorted = [...evaluated.values()].sort((a, b) => a.rate - b.rate);
        const broken = sorted.findIndex((p) => p.meetsSlo === false);
        if (broken > 0 && sorted.slice(0, broken).every((p) => p.decided)) {
          // An undecided midpoint stops the refinement; the check below then reports it.
          await bisectKnee(sorted[broken - 1]!.rate, sorted[broken]!.rate, precision, decidedMeets).catch((error: unknown) => {
            if (!(error instanceof RunTooShort)) throw error;
          });
        }
      }
      await findPressureOnset(evaluated, precision, Math.min(...options.rates) * MIN_RATE_FACTOR, pointAt);
    } else {
      try {
        const knee = await findKnee({
          start: knob.currentRate,
          precision,
          minRate: knob.currentRate * MIN_RATE_FACTOR,
          maxRate: MAX_RATE,
          meets: decidedMeets,
        });
        if (!knee.found) searchFailure = knee.reason;
        await findPressureOnset(evaluated, precision, knob.currentRate * MIN_RATE_FACTOR, pointAt);
      } catch (error) {
        if (!(error instanceof RunTooShort)) throw error;
        searchFailure = error.message;
      }
    }
    const points = [...evaluated.values()].sort((a, b) => a.rate - b.rate);
    // On a grid, a point the run was too short to decide below the first broken one leaves the
    // knee undecided as well.
    const firstBroken = points.find((p) => p.meetsSlo === false && p.decided);
    const undecided = points.find((p) => !p.decided && (firstBroken === undefined || p.rate < firstBroken.rate));
    if (searchFailure === null && undecided !== undefined) searchFailure = new RunTooShort(undecided).message;
    const result = assemble(points, simulations, searchFailure, searchFailure?.startsWith(RUN_TOO_SHORT) ?? false);
    // Only a rate that broke the SLO can show whether a knob mends it.
    const broken = points.find((p) => p.meetsSlo === false && p.decided);
    if (result.bottleneck !== null && broken !== undefined) {
      result.bottleneck.tried = await tryKnobs(result.bottleneck.name, broken);
      result.method.simulations = simulations;
    }
    if (options.targetRate !== undefined) {
      result.sizing = await sizeFor(options.targetRate, result);
      result.method.simulations = simulations;
    }
    return result;
  } finally {
    if (options.runner === undefined) await runner.close();
  }

  function assemble(points: SaturationPoint[], sims: number, searchFailure: string | null, tooShort: boolean): SaturationResult {
    const provenance = calibrationOf(scenario).provenance;
    const widening = provenance.fitted ? null : BORROWED_CALIBRATION_ERROR;
    let saturationRate: SaturationResult['saturationRate'] = null;
    let saturationReason: string | null = null;
    const capacity = sustainedCapacity(points);
    let capNote: string | null = null;
    if (!hasSlo) saturationReason = 'the scenario states no slo: there is no latency target to saturate';
    else if (searchFailure !== null) saturationReason = searchFailure;
    else {
      const curve = (side: 'mean' | 'low' | 'high') => points.map((p) => ({ rate: p.rate, value: sloMargin(p, side) }));
      const mean = firstCrossing(curve('mean'));
      if (mean === null) saturationReason = `the SLO holds at every rate swept (up to ${points.at(-1)?.rate.toPrecision(3)} req/s)`;
      else if (mean.rate <= points[0]!.rate && sloMargin(points[0]!, 'mean') > 1)
        saturationReason = `the SLO is already broken at the lowest rate swept (${points[0]!.rate.toPrecision(3)} req/s)`;
      else {
        // A short run can meet the SLO at a rate the deployment cannot sustain (its queue had no
        // time to build): what it completed when it fell behind bounds the knee.
        let knee = mean.rate;
        if (capacity !== null && knee > capacity.requestsPerSecond) {
          knee = capacity.requestsPerSecond;
          capNote = `capped at the ${knee.toPrecision(3)} req/s the deployment completed when it fell behind at ${capacity.measuredAtRate.toPrecision(3)} req/s`;
        }
        // The pessimistic curve (upper confidence bound of each statistic) crosses first.
        const low = firstCrossing(curve('high'))?.rate ?? knee;
        const high = firstCrossing(curve('low'))?.rate ?? points.at(-1)!.rate;
        saturationRate = { mean: knee, low: Math.min(low, knee), high: Math.max(high, knee) };
        // The knee lies between the last rate that met the SLO and the first that broke it: the
        // search's (or grid's) resolution bounds the interval too, so it is never of zero width.
        const lastMet = points.filter((p) => p.rate <= knee && p.meetsSlo === true).at(-1);
        const firstBroken = points.find((p) => p.rate >= knee && p.meetsSlo === false);
        if (lastMet !== undefined) saturationRate.low = Math.min(saturationRate.low, lastMet.rate);
        if (firstBroken !== undefined) saturationRate.high = Math.max(saturationRate.high, firstBroken.rate);
        if (widening !== null) {
          saturationRate.low = Math.min(saturationRate.low, knee / (1 + widening));
          saturationRate.high = Math.max(saturationRate.high, knee * (1 + widening));
        }
      }
    }
    const meeting = saturationRate === null ? [] : points.filter((p) => p.rate <= saturationRate!.mean && p.meetsSlo);
    const atKnee = meeting.at(-1) ?? null;
    const firstBroken = points.find((p) => p.meetsSlo === false) ?? points.at(-1)!;
    const onset = points.find((p) => p.pressure.pressured.length > 0) ?? null;
    const pressureOnsetRate = onset?.rate ?? null;
    return {
      kind: 'saturation',
      version: SATURATION_RESULT_VERSION,
      seed: scenario.seed,
      scenario,
      currentRate: knob.currentRate,
      method: {
        mode: options.rates !== undefined ? 'sweep' : 'search',
        replications,
        precision: options.rates !== undefined ? null : precision,
        simulations: sims,
        rateKnob: knob.name,
      },
      calibration: { ...provenance, intervalWidening: widening },
      intervalNote: [intervalNote(replications, deterministic, options.rates !== undefined), capNote].filter((n) => n !== null).join('; '),
      sustainedCapacity: capacity,
      saturationRate,
      saturationReason,
      goodputAtSaturation: atKnee?.goodputRequestsPerSecond?.mean ?? null,
      costAtSaturation:
        scenario.cost === null || atKnee === null
          ? null
          : costAt(scenario.cost, gpusInUse(scenario), {
              requestsPerSecond: atKnee.throughput.requestsPerSecond.mean,
              outputTokensPerSecond: atKnee.throughput.outputTokensPerSecond.mean,
              inputTokensPerSecond: null,
            }),
      pressureOnsetRate,
      pressureOnsetReason:
        onset === null ? `no pressure signal (queue growth, KV occupancy, preemptions, batch slots) up to ${points.at(-1)!.rate.toPrecision(3)} req/s` : null,
      pressureLeadPercent:
        saturationRate !== null && pressureOnsetRate !== null ? (100 * (saturationRate.mean - pressureOnsetRate)) / saturationRate.mean : null,
      // Undecided points name no bottleneck: what broke them may be the run's length.
      bottleneck: tooShort || !firstBroken.decided ? null : { ...nameBottleneck(firstBroken, scenario.serving.maxNumSeqs), tried: [] },
      headroom:
        saturationRate === null
          ? null
          : {
              percent: (100 * (saturationRate.mean - knob.currentRate)) / saturationRate.mean,
              requestsPerSecond: saturationRate.mean - knob.currentRate,
            },
      points,
      sizing: null,
    };
  }

  /** Simulates the first broken rate again with each knob the bottleneck points at (see knob-trial.ts). */
  async function tryKnobs(name: BottleneckName, broken: SaturationPoint): Promise<KnobTrial[]> {
    const budgetBound = broken.pressure.admissionBlocked.tokenBudget >= MIN_BLOCKED_FRACTION;
    const trials: KnobTrial[] = [];
    for (const change of knobsFor(name, budgetBound, scenario)) {
      const rated = rateKnobOf(change.scenario, data, file).withRate(broken.rate);
      const runs = await runner.run(Array.from({ length: replications }, (_, i) => ({ scenario: rated, seed: replicationSeed(scenario.seed, i) })));
      simulations += runs.length;
      const after = buildPoint(broken.rate, runs, rated);
      trials.push({
        key: change.key,
        value: change.value,
        rate: broken.rate,
        meetsSlo: after.meetsSlo,
        keepsUp: after.keepsUp,
        worstBefore: boundsMargin(broken, 'mean'),
        worstAfter: boundsMargin(after, 'mean'),
      });
    }
    return trials;
  }

  /** The fewest replicas carrying `target` req/s, estimated from the knee and checked by simulation. */
  async function sizeFor(target: number, result: SaturationResult): Promise<Sizing> {
    const sv = scenario.serving;
    const gpusPer = sv.tensorParallelSize * sv.pipelineParallelSize;
    const base = { targetRate: target, perReplicaSaturationRate: null, marginPercent: null, nextSize: null, checked: [], cost: null };
    if (result.saturationRate === null) {
      return { ...base, replicasNeeded: null, gpusNeeded: null, reason: `no saturation rate to size from: ${result.saturationReason}` };
    }
    if (sv.disaggregation !== null) {
      // Two pools scale apart (their ratio is the design question): compare sizes with --vary instead.
      return { ...base, replicasNeeded: null, gpusNeeded: null, reason: 'a disaggregated deployment has two pools to size: compare pool sizes with --vary serving.disaggregation.decode.replicas=...' };
    }
    const perReplica = result.saturationRate.mean / sv.replicas;
    const checked: Sizing['checked'] = [];
    const meetsAt = async (replicas: number): Promise<SaturationPoint> => {
      const sized = withReplicas(scenario, replicas);
      const rated = rateKnobOf(sized, data, file).withRate(target);
      const runs = await runner.run(Array.from({ length: replications }, (_, i) => ({ scenario: rated, seed: replicationSeed(scenario.seed, i) })));
      simulations += runs.length;
      const point = buildPoint(target, runs, rated);
      checked.push({ replicas, meetsSlo: point.meetsSlo, decided: point.decided });
      return point;
    };
    let replicas = Math.max(1, Math.ceil(target / perReplica));
    const limit = Math.min(SCENARIO_BOUNDS.maxReplicas, replicas * 4 + 4);
    // Up until the target holds (the linear estimate can be a replica short), then down while it still holds.
    let point = await meetsAt(replicas);
    while (point.meetsSlo !== true && replicas < limit) point = await meetsAt(++replicas);
    if (point.meetsSlo !== true) {
      return { ...base, perReplicaSaturationRate: perReplica, checked, replicasNeeded: null, gpusNeeded: null, reason: `the SLO still breaks at ${target} req/s with ${replicas} replicas` };
    }
    while (replicas > 1 && checked.every((c) => c.replicas !== replicas - 1)) {
      const fewer = await meetsAt(replicas - 1);
      if (fewer.meetsSlo !== true) break;
      replicas--;
      point = fewer;
    }
    const undecided = checked.find((c) => c.replicas === replicas && !c.decided);
    const margin = (n: number) => (100 * (n * perReplica - target)) / (n * perReplica);
    const sizedGpus = replicas * gpusPer;
    return {
      targetRate: target,
      replicasNeeded: replicas,
      gpusNeeded: sizedGpus,
      perReplicaSaturationRate: perReplica,
      marginPercent: margin(replicas),
      nextSize: { replicas: replicas + 1, gpus: (replicas + 1) * gpusPer, marginPercent: margin(replicas + 1) },
      checked: [...checked].sort((a, b) => a.replicas - b.replicas),
      cost:
        scenario.cost === null
          ? null
          : costAt(scenario.cost, sizedGpus, {
              requestsPerSecond: point.throughput.requestsPerSecond.mean,
              outputTokensPerSecond: point.throughput.outputTokensPerSecond.mean,
              inputTokensPerSecond: null,
            }),
      reason: undecided === undefined ? null : 'the check at this size did not reach steady state: lengthen the run to confirm it',
    };
  }
}

/** The scenario with `replicas` replicas, on as many nodes as they need. */
function withReplicas(s: Scenario, replicas: number): Scenario {
  const gpus = replicas * s.serving.tensorParallelSize * s.serving.pipelineParallelSize;
  const nodes = Math.max(s.cluster.nodes, Math.ceil(gpus / s.cluster.gpusPerNode));
  return { ...s, cluster: { ...s.cluster, nodes }, serving: { ...s.serving, replicas } };
}

/**
 * A rate whose verdict a longer run could change: the search stops there and says how long a run
 * would decide it (the steady window must open two mean end-to-end times into the load).
 */
const RUN_TOO_SHORT = 'run too short';

class RunTooShort extends Error {
  constructor(point: SaturationPoint) {
    const { windowStartSeconds, e2eMeanSeconds } = point.steady;
    const factor = Math.max(2, Math.ceil((2 * e2eMeanSeconds) / Math.max(windowStartSeconds, 1e-9)));
    super(
      `${RUN_TOO_SHORT}: at ${point.rate.toPrecision(3)} req/s the steady window opens ${windowStartSeconds.toPrecision(3)} s into ` +
        `the load (half the arrivals), before two mean end-to-end times (${(2 * e2eMeanSeconds).toPrecision(3)} s) have passed, ` +
        `so the queue may not have built yet; multiply stop.requests (or stop.duration) by ${factor} or more`,
    );
  }
}

/**
 * The highest sustained completion rate among the points that fell behind in steady state, and
 * where; null when none did. Before steady state a batch still filling completes less than the
 * deployment can, which would understate it.
 */
function sustainedCapacity(points: readonly SaturationPoint[]): SaturationResult['sustainedCapacity'] {
  let best: SaturationResult['sustainedCapacity'] = null;
  for (const p of points) {
    if (p.keepsUp || !p.steady.reached) continue;
    const completed = p.throughput.requestsPerSecond.mean;
    if (best === null || completed > best.requestsPerSecond) best = { requestsPerSecond: completed, measuredAtRate: p.rate };
  }
  return best;
}

/** What the saturation interval is made of, in words. */
function intervalNote(replications: number, deterministic: boolean, grid: boolean): string {
  const resolution = grid ? 'the bracket of evaluated rates around the break (the grid, refined there to --precision)' : "the search's last bracket around the break";
  if (deterministic) return `a trace is deterministic, so one replication ran: the interval is ${resolution}, with no run-to-run spread to measure`;
  if (replications === 1) return `one replication: the interval is ${resolution} only; run --replications 3 or more to include the run-to-run spread`;
  return `95% Student-t interval over ${replications} replications, widened to ${resolution}`;
}

/**
 * Narrows the lowest pressured rate by bisection between it and the evaluated rate below it (or
 * halving downward when even the lowest evaluated rate shows pressure).
 */
async function findPressureOnset(
  evaluated: Map<number, SaturationPoint>,
  precision: number,
  minRate: number,
  pointAt: (rate: number) => Promise<SaturationPoint>,
): Promise<void> {
  const sorted = () => [...evaluated.values()].sort((a, b) => a.rate - b.rate);
  const pressured = (p: SaturationPoint) => p.pressure.pressured.length > 0;
  const points = sorted();
  const hiIndex = points.findIndex(pressured);
  if (hiIndex < 0) return;
  let hi = points[hiIndex]!.rate;
  let lo: number;
  if (hiIndex === 0) {
    lo = hi / 2;
    while (lo >= minRate && pressured(await pointAt(lo))) {
      hi = lo;
      lo = hi / 2;
    }
    if (lo < minRate) return;
  } else lo = points[hiIndex - 1]!.rate;
  while ((hi - lo) / lo > precision) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    if (pressured(await pointAt(mid))) hi = mid;
    else lo = mid;
  }
}
