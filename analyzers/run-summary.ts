import type { Scenario } from '../engine/scenario/scenario-types.js';
import { enginesPerReplica } from '../engine/scenario/deployment.js';
import type { SimulationResult } from '../engine/simulation-result.js';

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
  /** What the shared fabric did, when traffic ran on it (SimulationResult.fabric). */
  fabric?: SimulationResult['fabric'];
  /** What failures did, when the scenario has any (SimulationResult.survival). */
  survival?: SimulationResult['survival'];
  /** Share of prompt tokens the prefix cache served, when prompts carried prefix chains. */
  prefixHitRate?: number;
}

export function summarizeRun(result: SimulationResult, scenario: Scenario): RunSummary {
  const { perReplica: _perReplica, ...utilization } = result.utilization;
  return {
    // The engine measures it over the steady window already (second half of the arrival window).
    sustained: { requestsPerSecond: result.throughput.requestsPerSecond, outputTokensPerSecond: result.throughput.outputTokensPerSecond },
    latency: result.latency,
    requests: result.requests,
    throughput: result.throughput,
    slo: result.slo,
    utilization,
    run: result.run,
    series: { ...result.timeSeries.total, bucketSeconds: result.timeSeries.bucketSeconds },
    slots: scenario.serving.maxNumSeqs * scenario.serving.replicas * enginesPerReplica(scenario),
    ...(result.fabric === undefined ? {} : { fabric: result.fabric }),
    ...(result.survival === undefined ? {} : { survival: result.survival }),
    ...(result.prefixCache === undefined ? {} : { prefixHitRate: result.prefixCache.hitRate.tokens }),
  };
}
