import type { LoadedScenario } from '../../engine/scenario/load-scenario.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import { calibrationFor } from '../../engine/step-time/step-time-calibration.js';
import { createJobRunner, type JobRunner } from '../run-points.js';
import { replicationSeed, type SimulationJob } from '../simulation-job.js';
import { nameBottleneck } from './bottleneck.js';
import { buildPoint, sloMargin } from './build-point.js';
import { findKnee, firstCrossing } from './find-knee.js';
import { rateKnobOf } from './rate-knob.js';
import { SATURATION_RESULT_VERSION, type SaturationPoint, type SaturationResult } from './saturation-result.js';

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

  try {
    let searchFailure: string | null = null;
    if (options.rates !== undefined) {
      await evaluate(options.rates);
    } else {
      try {
        const knee = await findKnee({
          start: knob.currentRate,
          precision,
          minRate: knob.currentRate * MIN_RATE_FACTOR,
          maxRate: MAX_RATE,
          meets: async (rate) => {
            const point = await pointAt(rate);
            if (!point.decided) throw new RunTooShort(point);
            return point.meetsSlo === true;
          },
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
    return assemble(points, simulations, searchFailure, searchFailure?.startsWith(RUN_TOO_SHORT) ?? false);
  } finally {
    if (options.runner === undefined) await runner.close();
  }

  function assemble(points: SaturationPoint[], sims: number, searchFailure: string | null, tooShort: boolean): SaturationResult {
    const provenance = calibrationFor(scenario.cluster.gpu, scenario.serving.quantization).provenance;
    const widening = provenance.fitted ? null : BORROWED_CALIBRATION_ERROR;
    let saturationRate: SaturationResult['saturationRate'] = null;
    let saturationReason: string | null = null;
    if (!hasSlo) saturationReason = 'the scenario states no slo: there is no latency target to saturate';
    else if (searchFailure !== null) saturationReason = searchFailure;
    else {
      const curve = (side: 'mean' | 'low' | 'high') => points.map((p) => ({ rate: p.rate, value: sloMargin(p, side) }));
      const mean = firstCrossing(curve('mean'));
      if (mean === null) saturationReason = `the SLO holds at every rate swept (up to ${points.at(-1)?.rate.toPrecision(3)} req/s)`;
      else if (mean.rate <= points[0]!.rate && sloMargin(points[0]!, 'mean') > 1)
        saturationReason = `the SLO is already broken at the lowest rate swept (${points[0]!.rate.toPrecision(3)} req/s)`;
      else {
        // The pessimistic curve (upper confidence bound of each statistic) crosses first.
        const low = firstCrossing(curve('high'))?.rate ?? mean.rate;
        const high = firstCrossing(curve('low'))?.rate ?? points.at(-1)!.rate;
        saturationRate = { mean: mean.rate, low: Math.min(low, mean.rate), high: Math.max(high, mean.rate) };
        // The knee lies between the last rate that met the SLO and the first that broke it: the
        // search's (or grid's) resolution bounds the interval too, so it is never of zero width.
        const lastMet = points.filter((p) => p.rate <= mean.rate && p.meetsSlo === true).at(-1);
        const firstBroken = points.find((p) => p.rate >= mean.rate && p.meetsSlo === false);
        if (lastMet !== undefined) saturationRate.low = Math.min(saturationRate.low, lastMet.rate);
        if (firstBroken !== undefined) saturationRate.high = Math.max(saturationRate.high, firstBroken.rate);
        if (widening !== null) {
          saturationRate.low = Math.min(saturationRate.low, mean.rate / (1 + widening));
          saturationRate.high = Math.max(saturationRate.high, mean.rate * (1 + widening));
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
      intervalNote: intervalNote(replications, deterministic, options.rates !== undefined),
      saturationRate,
      saturationReason,
      goodputAtSaturation: atKnee?.goodputRequestsPerSecond?.mean ?? null,
      pressureOnsetRate,
      pressureOnsetReason:
        onset === null ? `no pressure signal (queue growth, KV occupancy, preemptions, batch slots) up to ${points.at(-1)!.rate.toPrecision(3)} req/s` : null,
      pressureLeadPercent:
        saturationRate !== null && pressureOnsetRate !== null ? (100 * (saturationRate.mean - pressureOnsetRate)) / saturationRate.mean : null,
      // Undecided points name no bottleneck: what broke them may be the run's length.
      bottleneck: tooShort || !firstBroken.decided ? null : nameBottleneck(firstBroken, scenario.serving.maxNumSeqs),
      headroom:
        saturationRate === null
          ? null
          : {
              percent: (100 * (saturationRate.mean - knob.currentRate)) / saturationRate.mean,
              requestsPerSecond: saturationRate.mean - knob.currentRate,
            },
      points,
    };
  }
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

/** What the saturation interval is made of, in words. */
function intervalNote(replications: number, deterministic: boolean, grid: boolean): string {
  const resolution = grid ? "the grid's spacing around the break" : "the search's last bracket around the break";
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
    if (pressured(await pointAt(mid))) hi = mid;
    else lo = mid;
  }
}
