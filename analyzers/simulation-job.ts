import type { Scenario } from '../engine/scenario/scenario-types.js';
import { simulate } from '../engine/simulate.js';
import type { FabricMode } from '../engine/fabric/cluster-fabric.js';
import { loadWorkloadData, type WorkloadData } from '../engine/workload/workload-data.js';
import { summarizeRun, type RunSummary } from './run-summary.js';

/** One simulation an analyzer asks for: a scenario (already varied) and the seed of this replication. */
export interface SimulationJob {
  scenario: Scenario;
  seed: number;
  /** Which traffic runs on the flow-level fabric (simulate's option; default 'shared'). */
  fabric?: FabricMode;
  /** Seed of the failures stream alone (simulate's option): trials varying only the failures. */
  failureSeed?: number;
}

/**
 * Trace and length files are read once per thread and reused by every job naming them: they are
 * immutable inputs, never run state. A trace is kept at its own pace (timeScale 1) and rescaled for
 * each rate, so a sweep over a trace reads the file once.
 */
const workloadCache = new Map<string, WorkloadData>();

function workloadFor(scenario: Scenario): WorkloadData {
  const arrival = scenario.workload.arrival;
  const timeScale = arrival.process === 'trace' ? arrival.timeScale : 1;
  const atOwnPace: Scenario =
    arrival.process === 'trace' ? { ...scenario, workload: { ...scenario.workload, arrival: { ...arrival, timeScale: 1 } } } : scenario;
  const key = JSON.stringify(atOwnPace.workload);
  let data = workloadCache.get(key);
  if (data === undefined) {
    data = loadWorkloadData(atOwnPace);
    workloadCache.set(key, data);
  }
  if (data.trace === null || timeScale === 1) return data;
  return { ...data, trace: { ...data.trace, arrivals: data.trace.arrivals.map((t) => t / timeScale) } };
}

/** Runs one job: the same function inline and in worker threads, so results cannot differ. */
export function runJob(job: SimulationJob): RunSummary {
  const scenario = { ...job.scenario, seed: job.seed };
  const options = { ...(job.fabric === undefined ? {} : { fabric: job.fabric }), ...(job.failureSeed === undefined ? {} : { failureSeed: job.failureSeed }) };
  return summarizeRun(simulate(scenario, workloadFor(scenario), options), scenario);
}

/** Seed of replication i: replication 0 is the scenario's own seed; the same at every rate (common random numbers). */
export function replicationSeed(seed: number, replication: number): number {
  return (seed + Math.imul(replication, 0x9e3779b1)) >>> 0;
}
