import type { Scenario } from '../scenario/scenario-types.js';
import type { ReplicaShape } from '../step-time/step-time-model.js';
import { planReplicaMemory, type MemoryPlan } from './memory-plan.js';

/**
 * Pipeline stage boundaries of one replica that cross nodes. Replicas are laid out node-aligned
 * (a replica starts on a fresh node when it does not fit in what is left of one, as a scheduler
 * packing whole replicas would), TP groups tile a node, and stages fill a node in order:
 * gpusPerNode / TP stages per node, so every stagesPerNode-th boundary crosses to the next node.
 */
export function crossNodeStageBoundaries(s: Scenario): number {
  const { tensorParallelSize: tp, pipelineParallelSize: pp } = s.serving;
  // A TP group spanning nodes puts every stage on nodes of its own: every boundary crosses.
  if (tp > s.cluster.gpusPerNode) return pp - 1;
  const stagesPerNode = Math.max(1, Math.floor(s.cluster.gpusPerNode / tp));
  return Math.floor((pp - 1) / stagesPerNode);
}

/**
 * The busiest GPU's share of routed tokens when expert popularity falls off as Zipf(skew) and the
 * experts are dealt to the GPUs round-robin by popularity rank (what a placement that knows the
 * popularity does): 1 / gpus at skew 0.
 */
export function busiestExpertShare(experts: number, gpus: number, skew: number): number {
  return Math.max(...expertShares(experts, gpus, skew));
}

/** Each GPU's share of the routed tokens, experts dealt round-robin by Zipf(skew) popularity rank. */
export function expertShares(experts: number, gpus: number, skew: number): number[] {
  let total = 0;
  const perGpu = new Array<number>(gpus).fill(0);
  for (let k = 0; k < experts; k++) {
    const p = Math.pow(k + 1, -skew);
    total += p;
    perGpu[k % gpus] = perGpu[k % gpus]! + p;
  }
  return perGpu.map((x) => x / total);
}

/** What one replica of a scenario is made of, as the step-time model sees it. */
export function replicaShapeOf(s: Scenario): ReplicaShape {
  const sv = s.serving;
  const ep = sv.expertParallelSize;
  const epGpus = sv.dataParallelAttention ? ep : sv.tensorParallelSize;
  const spans = epGpus > s.cluster.gpusPerNode;
  const interEp = s.cluster.fabric.interNode;
  const crossings = crossNodeStageBoundaries(s);
  const inter = s.cluster.fabric.interNode;
  return {
    ...(crossings > 0 && inter !== null
      ? {
          interNodePipeline: {
            crossings,
            // Until the flow-level fabric model lands, a cross-node send gets the share of its NIC
            // that is guaranteed when every GPU sends through the spine at once.
            GBpsPerGpu: inter.gbpsPerGpu / 8 / inter.oversubscription,
            latencyUs: inter.fabric.latencyUs,
          },
        }
      : {}),
    ...(s.serving.tensorParallelSize > s.cluster.gpusPerNode && inter !== null
      ? {
          interNodeTensorParallel: {
            nodes: s.serving.tensorParallelSize / s.cluster.gpusPerNode,
            gpusPerNode: s.cluster.gpusPerNode,
            GBpsPerGpu: inter.gbpsPerGpu / 8 / inter.oversubscription,
            latencyUs: inter.fabric.latencyUs,
          },
        }
      : {}),
    ...(ep > 1
      ? {
          expertParallel: {
            size: ep,
            dataParallel: sv.dataParallelAttention ? Math.max(1, ep / sv.tensorParallelSize) : 1,
            busiestShare: busiestExpertShare(s.model.experts, ep, sv.expertSkew),
            link:
              spans && interEp !== null
                ? { GBps: interEp.gbpsPerGpu / 8 / interEp.oversubscription, latencySeconds: interEp.fabric.latencyUs * 1e-6 }
                : { GBps: s.cluster.fabric.intraNode.GBpsPerGpu, latencySeconds: s.cluster.fabric.intraNode.latencyUs * 1e-6 },
          },
        }
      : {}),
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
