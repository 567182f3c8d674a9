import type { Scenario } from '../engine/scenario/scenario-types.js';
import type { SimulationResult } from '../engine/simulation-result.js';
import { windowMean } from './statistics/series-window.js';

/**
 * What an analyzer keeps of one simulation: the figures it aggregates, without the scenario echo
 * and the per-replica series (small to send back from a worker thread).
 */
export interface RunSummary {
  latency: SimulationResult['latency'];
  requests: SimulationResult['requests'];
  throughput: SimulationResult['throughput'];
  slo: SimulationResult['slo'];
  utilization: Omit<SimulationResult['utilization'], 'perReplica'>;
  run: SimulationResult['run'];
  /** Sum over replicas of the total series, plus the bucket width. */
  series: SimulationResult['timeSeries']['total'] & { bucketSeconds: number };
  /** Sequence slots the cluster has: maxNumSeqs x replicas x pipeline engines. */
  slots: number;
  /**
   * Throughput while load was offered: completions per second over the second half of the arrival
   * window (steady state, before the drain), and output tokens at the run's mean output length.
   */
  sustained: { requestsPerSecond: number; outputTokensPerSecond: number };
}

export function summarizeRun(result: SimulationResult, scenario: Scenario): RunSummary {
  const { perReplica: _perReplica, ...utilization } = result.utilization;
  const width = result.timeSeries.bucketSeconds;
  const end = Math.max(result.run.lastArrivalSeconds, width);
  const requestsPerSecond = windowMean(result.timeSeries.total.completedPerSecond, width, end / 2, end);
  const { completed } = result.requests;
  const meanOutput = completed > 0 ? result.throughput.outputTokensPerSecond / result.throughput.requestsPerSecond : 0;
  return {
    sustained: { requestsPerSecond, outputTokensPerSecond: requestsPerSecond * meanOutput },
    latency: result.latency,
    requests: result.requests,
    throughput: result.throughput,
    slo: result.slo,
    utilization,
    run: result.run,
    series: { ...result.timeSeries.total, bucketSeconds: result.timeSeries.bucketSeconds },
    slots: scenario.serving.maxNumSeqs * scenario.serving.replicas * scenario.serving.pipelineParallelSize,
  };
}
