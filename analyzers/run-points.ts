import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { locateUpward } from '../engine/input/locate-upward.js';
import { RunStopped } from '../engine/kernel/kernel-errors.js';
import type { RunSummary } from './run-summary.js';
import type { WorkerReply } from './simulate-worker.js';
import { runJob, type SimulationJob } from './simulation-job.js';

export interface JobRunner {
  /** Runs the jobs and returns their summaries in the jobs' order, whatever order they finish in. */
  run(jobs: readonly SimulationJob[]): Promise<RunSummary[]>;
  /** Simulations finished so far. */
  readonly completed: number;
  close(): Promise<void>;
}

export interface RunnerOptions {
  /** Worker threads; 1 runs inline on the calling thread. Default: available cores. */
  workers?: number;
  /** Called after every finished simulation. */
  onProgress?: (completed: number) => void;
}

/**
 * The compiled worker script: beside this module in dist/analyzers/ or in the bundled CLI's
 * dist/reports/cli/ (its chunks sit one level below); from the TypeScript sources (vitest), the
 * build's copy (npm test builds first).
 */
function workerScript(): string {
  const found = locateUpward(import.meta.url, ['simulate-worker.js', 'dist/analyzers/simulate-worker.js']);
  if (found === null) throw new Error(`worker script simulate-worker.js not found above ${fileURLToPath(import.meta.url)}: run npm run build`);
  return found;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs simulation jobs inline or on a piscina pool of worker threads. Each job is a pure function
 * of its inputs and results are put back in index order, so the output is byte-identical for any
 * number of workers.
 */
export function createJobRunner(options: RunnerOptions = {}): JobRunner {
  const workers = options.workers ?? defaultWorkers();
  let completed = 0;
  const done = (): void => {
    completed++;
    options.onProgress?.(completed);
  };
  if (workers <= 1) {
    return {
      async run(jobs) {
        const out: RunSummary[] = [];
        for (const job of jobs) {
          out.push(runJob(job));
          done();
          // Let signals (Ctrl-C) and timers through between simulations.
          await new Promise((resolve) => setImmediate(resolve));
        }
        return out;
      },
      get completed() {
        return completed;
      },
      async close() {},
    };
  }
  const pool = new Piscina({
    filename: workerScript(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    // piscina loads the worker with require() first; where Node can require() an ES module (20.19+,
    // process.features.require_module) that path crashed a worker now and then on a native assertion
    // (ModuleWrap::CreateRequiredModuleFacade). Without it, require() refuses and piscina import()s.
    ...((process.features as { require_module?: boolean }).require_module === true ? { execArgv: [...process.execArgv, '--no-experimental-require-module'] } : {}),
  });
  return {
    async run(jobs) {
      return Promise.all(
        jobs.map(async (job) => {
          const reply = (await pool.run(job)) as WorkerReply;
          // A run that stopped on a budget means the same on a worker as inline: exit 2, not 3.
          if ('stopped' in reply) throw new RunStopped(reply.stopped);
          done();
          return reply.summary;
        }),
      );
    },
    get completed() {
      return completed;
    },
    async close() {
      await pool.destroy();
    },
  };
}
