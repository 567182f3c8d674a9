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

export interface CalibrationComparison {
  kind: 'calibration';
  version: number;
  /** The profile the simulations used, or null for the catalog constants. */
  profile: string | null;
  runs: { file: string; format: string; statistics: ComparedStatistic[] }[];
}

export function compareRuns(
  runs: readonly MeasuredRun[],
  flags: Required<Pick<DeploymentFlags, 'model' | 'gpu' | 'tp'>> & DeploymentFlags,
  profile: { file: string; profile: CalibrationProfile } | null,
): CalibrationComparison {
  return {
    kind: 'calibration',
    version: CALIBRATION_RESULT_VERSION,
    profile: profile?.file ?? null,
    runs: runs.map((run) => {
      const { scenario, data } = scenarioFor(run, flags);
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
      return { file: run.file, format: run.format ?? 'prometheus (vllm)', statistics: stats };
    }),
  };
}
