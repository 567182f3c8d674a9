import type { ReplicaShape } from '../step-time/step-time-model.js';
import {
  BYTES_PER_ELEMENT,
  denseLayerCount,
  expertParams,
  kvElementsPerTokenPerLayer,
  moeLayerCount,
  weightBytes,
} from '../catalog/model-arithmetic.js';

/**
 * How one replica's GPU memory divides into weights, activations and paged KV cache, the way vLLM
 * sizes it at startup (vllm/v1/worker/gpu_worker.py `determine_available_memory` and
 * vllm/utils/mem_utils.py `MemoryProfilingResult`): the KV cache gets
 *
 *     HBM x gpuMemoryUtilization - (weights + torch peak of a dummy forward + non-torch memory)
 *
 * per GPU, cut into blocks of `blockSize` tokens. vLLM measures the middle terms by running the
 * profile; Headroom estimates them (see `activationBytes`).
 */

export const GIB = 2 ** 30;

/** Bytes of an activation element (vLLM runs activations in the model's bf16/fp16 dtype). */
const ACTIVATION_BYTES = 2;
/** Bytes of a logit: vLLM computes logits and sampling probabilities in fp32. */
const LOGIT_BYTES = 4;
/**
 * Memory outside PyTorch's allocator: CUDA context (~0.5 GiB on Hopper), NCCL buffers, cuBLAS
 * workspaces and the CUDA graphs captured for decode batch sizes. vLLM logs it as "non-torch
 * memory"; typical single-node values are 0.2 to 1.5 GiB. One GiB is a middle value.
 */
export const NON_TORCH_RESERVE_BYTES = 1 * GIB;

/** A replica's shape (its links aside) and the serving settings that size its memory. */
export interface MemoryPlanInput extends Omit<ReplicaShape, 'tensorParallelFabric'> {
  gpuMemoryUtilization: number;
  blockSize: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
}

export interface MemoryPlan {
  /** HBM x gpuMemoryUtilization: what the engine may use on each GPU. */
  budgetBytesPerGpu: number;
  /** weightBytes(model, weightDtype) / (TP x PP). */
  weightBytesPerGpu: number;
  /** Peak activations + logits + non-torch reserve (the sum of `activation`). */
  activationBytesPerGpu: number;
  activation: {
    /** Largest transient tensors of one layer's forward over maxNumBatchedTokens tokens. */
    forwardBytes: number;
    /** Logits and sampling probabilities for maxNumSeqs sequences over the full vocabulary. */
    logitsBytes: number;
    /** CUDA context, NCCL, CUDA graphs. */
    nonTorchBytes: number;
  };
  /** Layers the largest pipeline stage holds: ceil(layers / PP). */
  layersPerGpu: number;
  /** KV heads each GPU stores (GQA: max(1, ceil(kvHeads / TP)); MLA: the latent, replicated, so 1). */
  kvHeadsPerGpu: number;
  /** KV bytes one token takes on one GPU of the largest stage. */
  kvBytesPerTokenPerGpu: number;
  /** Budget - weights - activations; zero or negative when the model does not fit. */
  kvBytesPerGpu: number;
  /** KV blocks one replica holds (every GPU of the replica holds its shard of each block); >= 0. */
  kvBlocks: number;
  /** kvBlocks x blockSize. */
  kvTokens: number;
  /** True when at least one KV block fits. */
  fits: boolean;
}

/**
 * planReplicaMemory(input) -> MemoryPlan. Pure.
 *
 * KV per token per GPU: layers of the largest pipeline stage x KV elements per layer on this GPU x
 * bytes. GQA shards KV heads over TP ranks; when TP exceeds kvHeads vLLM replicates heads so each
 * rank keeps one (max(1, kvHeads / TP)). MLA caches one compressed latent per token that every TP
 * rank holds in full (no sharding).
 */
export function planReplicaMemory(input: MemoryPlanInput): MemoryPlan {
  const { model, gpu, tensorParallelSize: tp, pipelineParallelSize: pp } = input;
  const budgetBytesPerGpu = gpu.hbmGiB * GIB * input.gpuMemoryUtilization;
  // With expert parallelism the experts are dealt whole to the EP GPUs; the rest is sharded over TP
  // (with data-parallel attention each rank holds all of it).
  const ep = input.expertParallel;
  const expertBytes = ep === undefined ? 0 : moeLayerCount(model) * model.experts * expertParams(model) * BYTES_PER_ELEMENT[input.weightDtype];
  const weightBytesPerGpu =
    ep === undefined ? weightBytes(model, input.weightDtype) / (tp * pp) : (weightBytes(model, input.weightDtype) - expertBytes) / (tp * pp) + expertBytes / ep.size;

  const activation = activationBytes(input);
  const activationBytesPerGpu = activation.forwardBytes + activation.logitsBytes + activation.nonTorchBytes;

  const layersPerGpu = Math.ceil(model.layers / pp);
  let kvHeadsPerGpu: number;
  let kvElementsPerLayerPerGpu: number;
  if (model.attention.kind === 'mla') {
    kvHeadsPerGpu = 1;
    kvElementsPerLayerPerGpu = kvElementsPerTokenPerLayer(model);
  } else {
    kvHeadsPerGpu = Math.max(1, Math.ceil(model.kvHeads / tp));
    kvElementsPerLayerPerGpu = (kvElementsPerTokenPerLayer(model) / model.kvHeads) * kvHeadsPerGpu;
  }
  const kvBytesPerTokenPerGpu = layersPerGpu * kvElementsPerLayerPerGpu * BYTES_PER_ELEMENT[input.kvCacheDtype];

  const kvBytesPerGpu = budgetBytesPerGpu - weightBytesPerGpu - activationBytesPerGpu;
  const blockBytes = input.blockSize * kvBytesPerTokenPerGpu;
  const kvBlocks = kvBytesPerGpu > 0 && blockBytes > 0 ? Math.floor(kvBytesPerGpu / blockBytes) : 0;
  return {
    budgetBytesPerGpu,
    weightBytesPerGpu,
    activationBytesPerGpu,
    activation,
    layersPerGpu,
    kvHeadsPerGpu,
    kvBytesPerTokenPerGpu,
    kvBytesPerGpu,
    kvBlocks,
    kvTokens: kvBlocks * input.blockSize,
    fits: kvBlocks >= 1,
  };
}

/**
 * The activation reserve vLLM's profile run measures, estimated from the architecture.
 *
 * vLLM profiles with a dummy forward of maxNumBatchedTokens tokens (spread over up to maxNumSeqs
 * sequences) and then a dummy sampler run over maxNumSeqs sequences; the torch peak of that, plus
 * non-torch memory, is reserved before the KV cache is sized. Activations are freed layer by
 * layer, so the peak is the widest point inside one layer, per token (elements, on one TP rank):
 *
 * - residual stream: 4 x hidden (input, residual, normed input, the block output before the
 *   all-reduce), not sharded;
 * - plus the wider of
 *   - attention: (heads + 2 x kvHeads) x headDim / TP for Q/K/V and heads x headDim / TP for the
 *     attention output;
 *   - dense MLP: (gated ? 3 : 2) x ffn / TP (gate+up output and the activation output);
 *   - MoE MLP (fused-MoE intermediate caches): activeExperts x ((gated ? 3 : 2) x expertFfn / TP
 *     + hidden) + sharedExperts x (gated ? 3 : 2) x expertFfn / TP;
 *
 * times 2 bytes and maxNumBatchedTokens. Logits: maxNumSeqs x vocab x 4 bytes x 2 (logits and
 * probabilities, fp32); not divided by TP because vLLM gathers the full vocabulary on every rank.
 * Plus NON_TORCH_RESERVE_BYTES.
 *
 * Check: Llama-3.1-8B at 8192 tokens gives 0.9 GiB forward + 0.24 GiB logits + 1 GiB, close to
 * the ~1.2 GiB torch peak and ~0.2-1 GiB non-torch memory vLLM logs for it on one H100.
 */
export function activationBytes(input: MemoryPlanInput): MemoryPlan['activation'] {
  const { model: m, tensorParallelSize: tp } = input;
  const mlpMatrices = m.gatedMlp ? 3 : 2;
  const residual = 4 * m.hidden;
  const attention = ((m.heads + 2 * m.kvHeads) * m.headDim + m.heads * m.headDim) / tp;
  const denseMlp = denseLayerCount(m) > 0 ? (mlpMatrices * m.ffn) / tp : 0;
  const moeMlp =
    moeLayerCount(m) > 0
      ? m.activeExperts * ((mlpMatrices * m.expertFfn) / tp + m.hidden) +
        (m.sharedExperts * mlpMatrices * m.expertFfn) / tp
      : 0;
  const perToken = residual + Math.max(attention, denseMlp, moeMlp);
  return {
    forwardBytes: input.maxNumBatchedTokens * perToken * ACTIVATION_BYTES,
    logitsBytes: input.maxNumSeqs * m.vocab * LOGIT_BYTES * 2,
    nonTorchBytes: NON_TORCH_RESERVE_BYTES,
  };
}
