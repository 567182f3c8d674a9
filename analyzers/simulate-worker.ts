/** The piscina worker: runs one simulation job per call. */
import { RunStopped } from '../engine/kernel/kernel-errors.js';
import { runJob, type SimulationJob } from './simulation-job.js';
import type { RunSummary } from './run-summary.js';

/** What crosses back to the main thread: a summary, or why the run stopped (an error's class does not cross). */
export type WorkerReply = { summary: RunSummary } | { stopped: string };

export default function simulateWorker(job: SimulationJob): WorkerReply {
  try {
    return { summary: runJob(job) };
  } catch (error) {
    if (error instanceof RunStopped) return { stopped: error.message };
    throw error;
  }
}
