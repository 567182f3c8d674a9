import type { Scenario } from '../engine/scenario/scenario-types.js';
import { simulate } from '../engine/simulate.js';
import { loadWorkloadData, type WorkloadData } from '../engine/workload/workload-data.js';
import { summarizeRun, type RunSummary } from './run-summary.js';

/** One simulation an analyzer asks for: a scenario (already varied) and the seed of this replication. */
export interface SimulationJob {
  scenario: Scenario;
  seed: number;
}

/**
 * Trace and length files are read once per thread and reused by every job naming them: they are
 * immutable inputs, never run state. Keyed by the workload spec, which names the files.
 */
const workloadCache = new Map<string, WorkloadData>();

function workloadFor(scenario: Scenario): WorkloadData {
  const key = JSON.stringify(scenario.workload);
  let data = workloadCache.get(key);
  if (data === undefined) {
    data = loadWorkloadData(scenario);
    workloadCache.set(key, data);
  }
  return data;
}

/** Runs one job: the same function inline and in worker threads, so results cannot differ. */
export function runJob(job: SimulationJob): RunSummary {
  const scenario = { ...job.scenario, seed: job.seed };
  return summarizeRun(simulate(scenario, workloadFor(scenario)), scenario);
}

/** Seed of replication i: replication 0 is the scenario's own seed; the same at every rate (common random numbers). */
export function replicationSeed(seed: number, replication: number): number {
  return (seed + Math.imul(replication, 0x9e3779b1)) >>> 0;
}
