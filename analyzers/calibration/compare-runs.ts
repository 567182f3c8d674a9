import { simulate } from '../../engine/simulate.js';
import type { CalibrationProfile } from '../../engine/step-time/calibration-profile.js';
import { scenarioFor, type DeploymentFlags, type MeasuredRun } from './calibrate-prometheus.js';

/**
 * `headroom calibrate --compare`: each measured run beside its simulation (with a profile, or the
 * catalog constants alone), statistic by statistic, with the error: the first thing to check on
 * one's own data.
 */
export const CALIBRATION_RESULT_VERSION = 1;

export interface ComparedStatistic {
  name: string;
  measured: number;
  simulated: number;
  errorPercent: number;
}

/** The deployment every run was simulated as (the flags, with the scenario's defaults filled in). */
export interface ComparedDeployment {
  model: string;
  gpu: string;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  replicas: number;
  quantization: string;
}

/** The load a run measured and its simulation replayed: what tells two runs of one file apart. */
export interface ComparedLoad {
  requests: number;
  requestsPerSecond: number;
  meanInputTokens: number;
  meanOutputTokens: number;
  /** Closed-loop clients, when the run was offered that way; null for a rate or a burst. */
  concurrency: number | null;
  /** Every request sent at once (a benchmark's `inf` rate). */
  burst: boolean;
}

export interface ComparedRun {
  file: string;
  format: string;
  /** Optional: comparisons written before it lack it. */
  load?: ComparedLoad;
  statistics: ComparedStatistic[];
}

export interface CalibrationComparison {
  kind: 'calibration';
  version: number;
  /** The profile the simulations used, or null for the catalog constants. */
  profile: string | null;
  /** Optional: comparisons written before it lack it. */
  deployment?: ComparedDeployment;
  runs: ComparedRun[];
}

export function compareRuns(
  runs: readonly MeasuredRun[],
  flags: Required<Pick<DeploymentFlags, 'model' | 'gpu' | 'tp'>> & DeploymentFlags,
  profile: { file: string; profile: CalibrationProfile } | null,
): CalibrationComparison {
  let deployment: ComparedDeployment | undefined;
  const compared = runs.map((run): ComparedRun => {
    const { scenario, data } = scenarioFor(run, flags);
    const { serving } = scenario;
    deployment ??= {
      model: scenario.model.id,
      gpu: scenario.cluster.gpu.id,
      tensorParallelSize: serving.tensorParallelSize,
      pipelineParallelSize: serving.pipelineParallelSize,
      replicas: serving.replicas,
      quantization: serving.quantization,
    };
    const r = simulate(profile === null ? scenario : { ...scenario, calibration: { profileFile: profile.file, profile: profile.profile } }, data);
    const stats: ComparedStatistic[] = [];
    const add = (name: string, measured: number | null, simulated: number | null) => {
      if (measured === null || simulated === null || !(measured > 0)) return;
      stats.push({ name, measured, simulated, errorPercent: (100 * (simulated - measured)) / measured });
    };
    add('mean time to first token (s)', run.meanTtftSeconds, r.latency.ttft.mean);
    if (run.decodeStatistic === 'tpot') add('mean time per output token (s)', run.meanItlSeconds, r.latency.tpot.mean);
    else add('mean inter-token latency (s)', run.meanItlSeconds, r.latency.itl.mean);
    add('mean running sequences', run.meanRunning, r.timeSeries.total.running.reduce((a, b) => a + b, 0) / Math.max(1, r.timeSeries.total.running.length));
    const load: ComparedLoad = {
      requests: run.requests,
      requestsPerSecond: run.requestsPerSecond,
      meanInputTokens: run.meanPromptTokens,
      meanOutputTokens: run.meanOutputTokens,
      concurrency: run.offered !== undefined && 'concurrency' in run.offered ? run.offered.concurrency : null,
      burst: run.offered !== undefined && 'burst' in run.offered,
    };
    return { file: run.file, format: run.format ?? 'prometheus (vllm)', load, statistics: stats };
  });
  return {
    kind: 'calibration',
    version: CALIBRATION_RESULT_VERSION,
    profile: profile?.file ?? null,
    ...(deployment !== undefined ? { deployment } : {}),
    runs: compared,
  };
}
