import type { Scenario } from '../scenario/scenario-types.js';
import type { ReplicaShape } from '../step-time/step-time-model.js';
import { planReplicaMemory, type MemoryPlan } from './memory-plan.js';

/** What one replica of a scenario is made of, as the step-time model sees it. */
export function replicaShapeOf(s: Scenario): ReplicaShape {
  return {
    model: s.model,
    gpu: s.cluster.gpu,
    tensorParallelSize: s.serving.tensorParallelSize,
    pipelineParallelSize: s.serving.pipelineParallelSize,
    weightDtype: s.serving.quantization,
    kvCacheDtype: s.serving.kvCacheDtype,
    tensorParallelFabric: s.cluster.fabric.intraNode,
  };
}

/** The memory plan of one replica of a scenario: weights, activations and KV blocks per GPU. */
export function replicaMemoryPlan(s: Scenario): MemoryPlan {
  return planReplicaMemory({
    ...replicaShapeOf(s),
    gpuMemoryUtilization: s.serving.gpuMemoryUtilization,
    blockSize: s.serving.blockSize,
    maxNumBatchedTokens: s.serving.maxNumBatchedTokens,
    maxNumSeqs: s.serving.maxNumSeqs,
  });
}
