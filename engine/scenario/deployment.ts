import type { Scenario } from './scenario-types.js';

/**
 * Facts about a normalized scenario's deployment that several layers need (rules, the cluster,
 * results, summaries), stated once.
 */

/** A disaggregated scenario seen as one of its pools alone (its TP and replicas, nothing else changed). */
export function poolScenario(s: Scenario, pool: 'prefill' | 'decode'): Scenario {
  const p = s.serving.disaggregation![pool];
  return { ...s, serving: { ...s.serving, tensorParallelSize: p.tensorParallelSize, replicas: p.replicas, disaggregation: null } };
}

/** GPUs the deployment's engines hold: replicas x TP x PP, or each pool's replicas x TP. */
export function gpusInUse(s: Scenario): number {
  const d = s.serving.disaggregation;
  if (d !== null) return d.prefill.replicas * d.prefill.tensorParallelSize + d.decode.replicas * d.decode.tensorParallelSize;
  return s.serving.replicas * s.serving.tensorParallelSize * s.serving.pipelineParallelSize;
}

/** The deployment in words: "4 replicas at TP2 PP1" or "2 prefill engines at TP1 + 6 decode engines at TP2". */
export function describeEngines(s: Scenario): string {
  const d = s.serving.disaggregation;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (d !== null) {
    return `${n(d.prefill.replicas, 'prefill engine')} at TP${d.prefill.tensorParallelSize} + ${n(d.decode.replicas, 'decode engine')} at TP${d.decode.tensorParallelSize} (disaggregated)`;
  }
  return `${n(s.serving.replicas, 'replica')} at TP${s.serving.tensorParallelSize} PP${s.serving.pipelineParallelSize}`;
}
