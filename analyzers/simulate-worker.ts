/** The piscina worker: runs one simulation job per call. */
import { runJob, type SimulationJob } from './simulation-job.js';
import type { RunSummary } from './run-summary.js';

export default function simulateWorker(job: SimulationJob): RunSummary {
  return runJob(job);
}
