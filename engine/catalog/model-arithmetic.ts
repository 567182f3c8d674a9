import type { Dtype, MlaAttention, ModelSpec } from './catalog-types.js';

/**
 * Parameter, KV-cache and FLOP counts derived from a model's architecture, for the step-time and
 * memory models. All functions are pure and count elements (parameters) unless named "Bytes" or
 * "Flops". Biases and norm weights are left out everywhere: they are under 0.01% of any catalog
 * model (Qwen2.5-72B's QKV biases are 0.8M of 72.7B parameters).
 */

/** Bytes one element takes in each dtype. int4 packs two elements per byte. */
export const BYTES_PER_ELEMENT: Record<Dtype, number> = {
  bf16: 2,
  fp8: 1,
  int4: 0.5,
};

/**
 * Bytes per element of the parts of a checkpoint that stay in 16-bit when the linear layers are
 * quantized (input embedding, LM head; see {@link weightBytes}).
 */
const UNQUANTIZED_BYTES = BYTES_PER_ELEMENT.bf16;

function mlaAttentionParams(m: ModelSpec, mla: MlaAttention): number {
  const qkHeadDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const query =
    mla.qLoraRank > 0
      ? m.hidden * mla.qLoraRank + mla.qLoraRank * m.heads * qkHeadDim
      : m.hidden * m.heads * qkHeadDim;
  const kvDown = m.hidden * (mla.kvLoraRank + mla.qkRopeHeadDim);
  const kvUp = mla.kvLoraRank * m.heads * (mla.qkNopeHeadDim + mla.vHeadDim);
  const output = m.heads * mla.vHeadDim * m.hidden;
  return query + kvDown + kvUp + output;
}

/**
 * Weights of one attention block.
 *
 * GQA (MHA when kvHeads == heads): Q hidden x (heads x headDim), K and V hidden x (kvHeads x headDim)
 * each, O (heads x headDim) x hidden.
 *
 * MLA (DeepSeek-V2/V3): Q down-projection hidden x qLoraRank and up-projection
 * qLoraRank x heads x (qkNope + qkRope) (or hidden x heads x (qkNope + qkRope) directly when
 * qLoraRank is 0); joint KV down-projection hidden x (kvLoraRank + qkRope), which also produces the
 * shared rotary key; KV up-projection kvLoraRank x heads x (qkNope + vHeadDim); O
 * (heads x vHeadDim) x hidden.
 */
export function attentionParamsPerLayer(m: ModelSpec): number {
  if (m.attention.kind === 'mla') return mlaAttentionParams(m, m.attention);
  const qOut = m.heads * m.headDim;
  const kvOut = m.kvHeads * m.headDim;
  return m.hidden * qOut + 2 * m.hidden * kvOut + qOut * m.hidden;
}

/** Weights of one dense MLP: (gate,) up and down, each hidden x ffn. */
export function denseMlpParams(m: ModelSpec): number {
  return (m.gatedMlp ? 3 : 2) * m.hidden * m.ffn;
}

/** Weights of one expert (routed or shared): (gate,) up and down, each hidden x expertFfn. */
export function expertParams(m: ModelSpec): number {
  return (m.gatedMlp ? 3 : 2) * m.hidden * m.expertFfn;
}

/** Layers whose MLP is a mixture of experts: all but the leading dense ones; 0 for a dense model. */
export function moeLayerCount(m: ModelSpec): number {
  return m.experts > 0 ? m.layers - m.denseLayers : 0;
}

/** Layers with a dense MLP: every layer of a dense model, the leading `denseLayers` of an MoE one. */
export function denseLayerCount(m: ModelSpec): number {
  return m.layers - moeLayerCount(m);
}

/** Weights of one MoE router (gate): hidden x experts; 0 for a dense model. */
export function routerParamsPerLayer(m: ModelSpec): number {
  return m.hidden * m.experts;
}

/** Input embedding plus LM head: vocab x hidden, once if they share one matrix, twice if not. */
export function embeddingParams(m: ModelSpec): number {
  return m.vocab * m.hidden * (m.tiedEmbeddings ? 1 : 2);
}

/**
 * Weights of the LM head alone (vocab x hidden): the output projection every generated token
 * multiplies through, tied to the input embedding or not.
 */
export function lmHeadParams(m: ModelSpec): number {
  return m.vocab * m.hidden;
}

/** Weights of one MoE layer's MLP part: every routed and shared expert plus the router. */
function moeMlpParams(m: ModelSpec): number {
  return (m.experts + m.sharedExperts) * expertParams(m) + routerParamsPerLayer(m);
}

/**
 * Every weight of the model: attention in every layer, dense MLPs, all experts and routers of the
 * MoE layers, input embedding and LM head. Norms and biases are left out (negligible). DeepSeek-V3's
 * multi-token-prediction module is not part of the architecture and is not counted.
 */
export function totalParams(m: ModelSpec): number {
  return (
    m.layers * attentionParamsPerLayer(m) +
    denseLayerCount(m) * denseMlpParams(m) +
    moeLayerCount(m) * moeMlpParams(m) +
    embeddingParams(m)
  );
}

/**
 * Weights one token goes through: attention in every layer, the dense MLPs, and in MoE layers the
 * shared experts, the `activeExperts` routed experts and the router, plus the input embedding and
 * LM head. This is how published "active parameter" counts are made (Mixtral 12.9B, DeepSeek-V3 37B);
 * note that the input embedding is a row lookup, not a matmul: for FLOPs per token use
 * 2 x (activeParamsPerToken - vocab x hidden) when embeddings are untied.
 */
export function activeParamsPerToken(m: ModelSpec): number {
  const activeMoeMlp =
    (m.activeExperts + m.sharedExperts) * expertParams(m) + routerParamsPerLayer(m);
  return (
    m.layers * attentionParamsPerLayer(m) +
    denseLayerCount(m) * denseMlpParams(m) +
    moeLayerCount(m) * activeMoeMlp +
    embeddingParams(m)
  );
}

/**
 * KV-cache elements one token stores in one layer. GQA: a key and a value per KV head,
 * 2 x kvHeads x headDim. MLA: the compressed KV latent plus the shared rotary key,
 * kvLoraRank + qkRopeHeadDim (what vLLM and SGLang cache for DeepSeek).
 */
export function kvElementsPerTokenPerLayer(m: ModelSpec): number {
  if (m.attention.kind === 'mla') return m.attention.kvLoraRank + m.attention.qkRopeHeadDim;
  return 2 * m.kvHeads * m.headDim;
}

/** KV-cache bytes one token takes across all layers: layers x kvElementsPerTokenPerLayer x bytes. */
export function kvBytesPerToken(m: ModelSpec, dtype: Dtype): number {
  return m.layers * kvElementsPerTokenPerLayer(m) * BYTES_PER_ELEMENT[dtype];
}

/**
 * Bytes of all weights when the linear layers are stored in `dtype`.
 *
 * Choice: the input embedding and LM head stay 16-bit whatever `dtype` is, as real quantized
 * checkpoints keep them (DeepSeek-V3's native FP8 release, FP8 and AWQ/GPTQ int4 exports of Llama);
 * everything else takes `dtype`'s bytes. For bf16 this is exactly totalParams x 2. Counting the
 * embeddings at the quantized width instead would under-state a Llama 3.1 8B fp8 replica by 1 GB (12%).
 * Norms and per-block quantization scales are left out (under 0.1%).
 */
export function weightBytes(m: ModelSpec, dtype: Dtype): number {
  const embeddings = embeddingParams(m);
  return (totalParams(m) - embeddings) * BYTES_PER_ELEMENT[dtype] + embeddings * UNQUANTIZED_BYTES;
}

/**
 * FLOPs per layer for one (query, key) pair of attention: the QK^T dot product and the AV
 * accumulation, 2 FLOPs per multiply-add. GQA: 2 x heads x headDim x 2 (KV heads are shared, the
 * work is per query head). MLA, as computed in prefill (keys and values expanded per head):
 * 2 x heads x (qkNope + qkRope) + 2 x heads x vHeadDim. Decode kernels that absorb the up-projections
 * into the query (FlashMLA) work in the latent instead and do more FLOPs per pair; this counts the
 * expanded form.
 */
export function attentionFlopsPerPair(m: ModelSpec): number {
  if (m.attention.kind === 'mla') {
    const mla = m.attention;
    return 2 * m.heads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim) + 2 * m.heads * mla.vHeadDim;
  }
  return 2 * m.heads * m.headDim * 2;
}
