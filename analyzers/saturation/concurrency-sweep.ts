import type { LoadedScenario } from '../../engine/scenario/load-scenario.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import { createJobRunner, type JobRunner } from '../run-points.js';
import { replicationSeed } from '../simulation-job.js';
import { buildPoint } from './build-point.js';
import type { SaturationPoint } from './saturation-result.js';

/**
 * A closed-loop concurrency sweep, as vLLM's `--max-concurrency` and guidellm's concurrent profile
 * run benchmarks: at each level, that many clients each send their next request as soon as the
 * previous answer is complete (think time 0). Each level is a point of the same shape as a
 * saturation point (latency, steady-window throughput, SLO, pressure), labelled by its concurrency.
 */
export interface ConcurrencySweepResult {
  kind: 'concurrency-sweep';
  version: number;
  seed: number;
  scenario: Scenario;
  replications: number;
  levels: (SaturationPoint & { concurrency: number })[];
}

export const CONCURRENCY_SWEEP_VERSION = 1;

export interface ConcurrencySweepOptions {
  replications?: number;
  workers?: number;
  runner?: JobRunner;
  onProgress?: (completed: number) => void;
}

export async function sweepConcurrency(loaded: LoadedScenario, levels: readonly number[], options: ConcurrencySweepOptions = {}): Promise<ConcurrencySweepResult> {
  const { scenario } = loaded;
  const replications = options.replications ?? 3;
  const runner = options.runner ?? createJobRunner({ workers: options.workers, onProgress: options.onProgress });
  try {
    const sorted = [...new Set(levels)].sort((a, b) => a - b);
    const at = (concurrency: number): Scenario => ({
      ...scenario,
      workload: { ...scenario.workload, arrival: { process: 'closed', concurrency, thinkTime: 0 } },
    });
    const jobs = sorted.flatMap((c) => Array.from({ length: replications }, (_, i) => ({ scenario: at(c), seed: replicationSeed(scenario.seed, i) })));
    const runs = await runner.run(jobs);
    const points = sorted.map((concurrency, k) => {
      const mine = runs.slice(k * replications, (k + 1) * replications);
      const rate = mine.reduce((a, r) => a + r.throughput.requestsPerSecond, 0) / mine.length;
      return { concurrency, ...buildPoint(rate, mine, at(concurrency)) };
    });
    return { kind: 'concurrency-sweep', version: CONCURRENCY_SWEEP_VERSION, seed: scenario.seed, scenario, replications, levels: points };
  } finally {
    if (options.runner === undefined) await runner.close();
  }
}
