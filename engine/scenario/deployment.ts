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

/** Engines (schedulers) one replica runs: its PP stages' virtual engines, or its data-parallel attention ranks. */
export function enginesPerReplica(s: Scenario): number {
  const sv = s.serving;
  if (sv.disaggregation !== null) return 1;
  return sv.dataParallelAttention ? Math.max(1, Math.floor(sv.expertParallelSize / sv.tensorParallelSize)) : sv.pipelineParallelSize;
}

/** GPUs one replica holds: TP x PP, or its data-parallel ranks x TP (= expertParallelSize). */
export function gpusPerReplica(s: Scenario): number {
  const sv = s.serving;
  return sv.dataParallelAttention ? enginesPerReplica(s) * sv.tensorParallelSize : sv.tensorParallelSize * sv.pipelineParallelSize;
}

/** GPUs the deployment's engines hold: replicas x GPUs per replica, or each pool's replicas x TP. */
export function gpusInUse(s: Scenario): number {
  const d = s.serving.disaggregation;
  if (d !== null) return d.prefill.replicas * d.prefill.tensorParallelSize + d.decode.replicas * d.decode.tensorParallelSize;
  return s.serving.replicas * gpusPerReplica(s);
}

/** The deployment in words: "4 replicas at TP2 PP1" or "2 prefill engines at TP1 + 6 decode engines at TP2". */
export function describeEngines(s: Scenario): string {
  const d = s.serving.disaggregation;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (d !== null) {
    return `${n(d.prefill.replicas, 'prefill engine')} at TP${d.prefill.tensorParallelSize} + ${n(d.decode.replicas, 'decode engine')} at TP${d.decode.tensorParallelSize} (disaggregated)`;
  }
  const sv = s.serving;
  if (sv.dataParallelAttention) return `${n(sv.replicas, 'replica')} of ${enginesPerReplica(s)} data-parallel attention ranks at TP${sv.tensorParallelSize}, EP${sv.expertParallelSize}`;
  return `${n(sv.replicas, 'replica')} at TP${sv.tensorParallelSize} PP${sv.pipelineParallelSize}${sv.expertParallelSize > 1 ? ` EP${sv.expertParallelSize}` : ''}`;
}
