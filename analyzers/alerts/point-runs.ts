import type { SaturationResult } from '../saturation/saturation-result.js';
import { rateKnobOf } from '../saturation/rate-knob.js';
import { replicationSeed } from '../simulation-job.js';
import type { MetricFamily } from '../../engine/metrics/vllm-metrics.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { RunStopped } from '../../engine/kernel/kernel-errors.js';
import { simulateWithVllmMetrics } from '../../engine/simulate.js';
import type { WorkloadData } from '../../engine/workload/workload-data.js';
import { METRIC_NAME } from './labels.js';
import { SampleStore } from './sample-store.js';

/** One run to re-simulate: the scenario exactly as the analysis simulated it, its data, its SLO verdict there. */
export interface PointRun {
  /** The offered rate, req/s (null for a closed loop). */
  rate: number | null;
  scenario: Scenario;
  data: WorkloadData;
  /** The analysis's verdict at this rate (over all its replications); null without an SLO. */
  sloMet: boolean | null;
}

/** Reads the files a scenario's workload names (traces, empirical lengths): I/O, injected by the caller. */
export type WorkloadLoader = (scenario: Scenario) => WorkloadData;

/**
 * The runs of a saturation result, one per evaluated rate: replication 0 of each, re-created as
 * analyze-saturation.ts made it (the rate set through the same rate knob, the stop rule as the
 * scenario has it, seed replicationSeed(seed, 0), i.e. the scenario's own), with the workload data
 * as simulation-job.ts gives a worker: a trace read at its own pace and rescaled for the rate.
 * Throws when the trace the analysis read now gives another rate (the file changed since).
 */
export function saturationRuns(result: SaturationResult, load: WorkloadLoader, file: string): PointRun[] {
  const base = result.scenario;
  const knob = rateKnobOf(base, load(base), file);
  if (result.currentRate !== null && knob.currentRate !== result.currentRate) {
    throw new UnrunnableScenarioError(
      `${file}: the scenario's workload now offers ${knob.currentRate} req/s where the analysis read ${result.currentRate}: ` +
        'its trace file changed since, so the rates cannot be re-simulated as analysed',
    );
  }
  const seed = replicationSeed(base.seed, 0);
  return result.points.map((p) => {
    const scenario = { ...knob.withRate(p.rate), seed };
    return { rate: p.rate, scenario, data: dataAtRate(scenario, load), sloMet: p.meetsSlo };
  });
}

/** The one run of a simulation result: its scenario and seed, as `simulate` ran it. */
export function simulationRun(result: SimulationResult, load: WorkloadLoader): PointRun {
  const arrival = result.scenario.workload.arrival;
  const rate = arrival.process === 'poisson' || arrival.process === 'gamma' ? arrival.rate : null;
  return { rate, scenario: result.scenario, data: load(result.scenario), sloMet: result.slo.met };
}

/**
 * The workload data a sweep's worker simulates a rate with (simulation-job.ts, workloadFor): a trace
 * is read at its own pace (timeScale 1) and its arrivals divided by the rate's timeScale, which
 * gives the same doubles as the analysis had, not merely the same rate.
 */
function dataAtRate(scenario: Scenario, load: WorkloadLoader): WorkloadData {
  const arrival = scenario.workload.arrival;
  if (arrival.process !== 'trace') return load(scenario);
  const ownPace = load({ ...scenario, workload: { ...scenario.workload, arrival: { ...arrival, timeScale: 1 } } });
  if (ownPace.trace === null || arrival.timeScale === 1) return ownPace;
  return { ...ownPace, trace: { ...ownPace.trace, arrivals: ownPace.trace.arrivals.map((t) => t / arrival.timeScale) } };
}

/** A run simulated with its vLLM-named metrics, as a sample store the rules read. */
export interface SimulatedRun {
  result: SimulationResult;
  store: SampleStore;
  /** Width of one series interval: one sample per series per interval. */
  intervalSeconds: number;
}

/**
 * A scenario from a result file that the engine cannot run: a hand-edited file, or one another
 * version wrote (result files embed the normalized scenario, which nothing validates again).
 */
export class UnrunnableScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrunnableScenarioError';
  }
}

export function simulateRun(run: PointRun): SimulatedRun {
  let simulated: ReturnType<typeof simulateWithVllmMetrics>;
  try {
    simulated = simulateWithVllmMetrics(run.scenario, run.data);
  } catch (error) {
    // A run stopped by its own limits (event budget, requests in system) says so itself.
    if (error instanceof RunStopped) throw error;
    throw new UnrunnableScenarioError(
      `cannot simulate the embedded scenario${run.rate === null ? '' : ` at ${run.rate} req/s`} (${(error as Error).message ?? String(error)}): ` +
        'was the result written by another version of headroom, or edited? Run the analysis again',
    );
  }
  const { result, metrics } = simulated;
  return { result, store: storeOf(metrics), intervalSeconds: result.timeSeries.bucketSeconds };
}

/** The families' samples as series (the metric name under __name__), in the order the export writes them. */
export function storeOf(families: readonly MetricFamily[]): SampleStore {
  const store = new SampleStore();
  for (const family of families) {
    for (const s of family.samples) {
      if (s.timestamp === null) continue;
      const labels = new Map<string, string>([[METRIC_NAME, s.name]]);
      for (const [k, v] of Object.entries(s.labels)) labels.set(k, v);
      store.add(labels, s.timestamp, s.value, true);
    }
  }
  return store;
}
