import type { ModelSpec } from '../catalog/catalog-types.js';
import {
  attentionFlopsPerPair,
  attentionParamsPerLayer,
  BYTES_PER_ELEMENT,
  denseLayerCount,
  denseMlpParams,
  expertParams,
  kvElementsPerTokenPerLayer,
  lmHeadParams,
  moeLayerCount,
  routerParamsPerLayer,
} from '../catalog/model-arithmetic.js';
import { allGatherSeconds, allToAllSeconds, hierarchicalAllReduceSeconds, ringAllReduceSeconds, sendRecvSeconds } from './collectives.js';
import { defaultCalibration, type StepTimeCalibration } from './step-time-calibration.js';
import type { ReplicaShape, StepBatch, StepTime, StepTimeModel } from './step-time-model.js';

/**
 * The roofline step-time model: one continuous-batching iteration of one replica, per GPU.
 *
 * Every part is a roofline: time = smoothMax(FLOPs / achieved FLOP/s, bytes / achieved bytes/s)
 * plus a fixed cost per kernel. `smoothMax(a, b) = (a^p + b^p)^(1/p)` with the fitted
 * `rooflineSharpness` p: p = Infinity is the textbook max(); the measured GEMMs bend round the ridge
 * point (p about 1.3-1.5), because tiles of a memory-bound GEMM do not hide their compute fully and
 * vice versa. It is never below the hard max, so every roofline lower bound still holds.
 *
 * Per layer and per GPU (tensor parallel shards the linear weights and heads TP ways):
 * - linear: QKV/O projections and the MLP (or the router, shared and touched experts of an MoE
 *   layer) as one GEMM roofline over T = prefillTokens + decodeSeqs tokens, FLOPs = 2 x active
 *   params / TP x T, bytes = weights read / TP + GEMM activations in and out; plus the element-wise
 *   kernels (two RMSNorms and the residual add, replicated on every TP rank; rotary embedding and
 *   the gated activation, sharded) at `elementwiseEfficiency` of HBM bandwidth; plus
 *   `perOpOverheadSeconds` per kernel. This is what Vidur's per-layer operator profiles measure,
 *   and what the calibration was fitted on.
 * - attention: prefill chunks (FLOPs over their causal query-key pairs, KV of cached context and of
 *   the chunk read) and decode (KV of every decoding sequence's context read) on their own rooflines
 *   with the attention efficiencies; KV heads are replicated when kvHeads < TP, and an MLA latent is
 *   replicated on every rank.
 * - communication: two ring all-reduces of T x hidden bf16 activations when TP > 1.
 * Once per step: the LM head for the sequences that sample, the embedding lookup and final norm,
 * and with TP > 1 the vocab-parallel embedding's all-reduce and the logits gather; the pipeline
 * sends between PP stages; `stepOverheadSeconds` (scheduling, input preparation, sampling).
 *
 * Per-layer figures in the result are averages over the model's layers (dense and MoE layers of one
 * model differ), so `layers x perLayer` is the layer total exactly.
 */

/** Activations and the LM head run in 16-bit whatever the weight dtype (vLLM keeps lm_head bf16). */
const ACTIVATION_BYTES = 2;
/** Logits are materialised in fp32 before sampling. */
const LOGIT_BYTES = 4;
/**
 * Kernels of one dense layer outside attention, as Vidur profiles them: input_layernorm,
 * attn_pre_proj, attn_rope, attn_post_proj, post_attention_layernorm, mlp_up_proj, mlp_act,
 * mlp_down_proj, add. The fitted `perOpOverheadSeconds` is per one of these.
 */
export const LINEAR_OPS_PER_DENSE_LAYER = 9;
/** An MoE layer adds the router GEMM and the top-k/combine kernels (assumed, not profiled). */
const EXTRA_OPS_PER_MOE_LAYER = 2;
/** Shared experts run as one more gated MLP: up, activation, down (assumed, not profiled). */
const SHARED_EXPERT_OPS = 3;
/** Head kernels per step: embedding lookup, final norm, LM head GEMM, logits processing. */
const HEAD_OPS = 4;
/** Token counts up to this are memoised by default (steps hold at most maxNumBatchedTokens tokens). */
const DEFAULT_MEMO_TOKENS = 1 << 16;

/**
 * (a^p + b^p)^(1/p), computed without overflow; p = Infinity gives max(a, b). Written with exp,
 * log and log1p rather than two Math.pow: half the time on the step-time hot path (one or two
 * calls per simulated step), within 2 ulps of the pow form.
 */
export function smoothMax(a: number, b: number, p: number): number {
  const hi = a > b ? a : b;
  if (hi === 0) return 0;
  if (p === Infinity) return hi;
  const r = (a > b ? b : a) / hi;
  if (r === 0) return hi;
  return hi * Math.exp(Math.log1p(Math.exp(p * Math.log(r))) / p);
}

/** Tensor FLOP/s the weight dtype's GEMMs run at: FP8 tensor cores where the GPU has them, else BF16. */
function peakLinearFlops(shape: ReplicaShape): number {
  const gpu = shape.gpu;
  const tflops = shape.weightDtype === 'fp8' && gpu.fp8Tflops > 0 ? gpu.fp8Tflops : gpu.bf16Tflops;
  return tflops * 1e12;
}

/**
 * KV-cache elements one token keeps per layer on one GPU. GQA shards KV heads over TP ranks but a
 * rank always holds at least one whole head (replicated when kvHeads < TP); the MLA latent is shared
 * by all heads, so every rank holds all of it.
 */
export function kvElementsPerTokenPerLayerPerGpu(m: ModelSpec, tp: number): number {
  const perLayer = kvElementsPerTokenPerLayer(m);
  if (m.attention.kind === 'mla') return perLayer;
  return (perLayer * Math.max(m.kvHeads / tp, 1)) / m.kvHeads;
}

/**
 * Attention FLOPs per (query, key) pair in decode. GQA: as in prefill. MLA decode kernels absorb the
 * up-projections and attend in the latent: QK over kvLoraRank + qkRope, AV over kvLoraRank, per head.
 */
function decodeAttentionFlopsPerPair(m: ModelSpec): number {
  if (m.attention.kind !== 'mla') return attentionFlopsPerPair(m);
  const a = m.attention;
  return 2 * m.heads * (a.kvLoraRank + a.qkRopeHeadDim) + 2 * m.heads * a.kvLoraRank;
}

/**
 * Attention weights one TP rank holds. GQA shards all four projections. MLA's down-projections
 * (hidden -> qLoraRank, hidden -> kvLoraRank + qkRope) are replicated on every rank, as vLLM's
 * ReplicatedLinear q_a_proj and kv_a_proj_with_mqa are; the rest is sharded by head.
 */
function attentionParamsPerGpu(m: ModelSpec, tp: number): number {
  const all = attentionParamsPerLayer(m);
  if (m.attention.kind !== 'mla') return all / tp;
  const a = m.attention;
  const down = m.hidden * ((a.qLoraRank > 0 ? a.qLoraRank : 0) + a.kvLoraRank + a.qkRopeHeadDim);
  return (all - down) / tp + down;
}

/** Elements read and written by the GEMMs of one attention block, per token, per GPU. */
function attentionGemmActivationElements(m: ModelSpec, tp: number): number {
  if (m.attention.kind === 'mla') {
    const a = m.attention;
    const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
    const down = m.hidden + (a.qLoraRank > 0 ? a.qLoraRank : 0) + a.kvLoraRank + a.qkRopeHeadDim;
    const qUp = a.qLoraRank > 0 ? a.qLoraRank + (m.heads * qHead) / tp : (m.heads * qHead) / tp;
    const kvUp = a.kvLoraRank + (m.heads * (a.qkNopeHeadDim + a.vHeadDim)) / tp;
    const out = (m.heads * a.vHeadDim) / tp + m.hidden;
    return down + qUp + kvUp + out;
  }
  const qkv = m.hidden + ((m.heads + 2 * m.kvHeads) * m.headDim) / tp;
  const o = (m.heads * m.headDim) / tp + m.hidden;
  return qkv + o;
}

/** Elements read and written by one MLP's (gate/)up and down GEMMs of intermediate size `ffn`, per token. */
function mlpGemmActivationElements(m: ModelSpec, ffn: number, tp: number): number {
  return 2 * m.hidden + ((m.gatedMlp ? 3 : 2) * ffn) / tp;
}

/** Elements of one MLP's activation kernel (SiLU(gate) x up reads 2, writes 1), per token. */
function mlpActivationElements(m: ModelSpec, ffn: number, tp: number): number {
  return ((m.gatedMlp ? 3 : 2) * ffn) / tp;
}

/** Rotary embedding reads and writes the query and key heads of this rank, per token. */
function ropeElements(m: ModelSpec, tp: number): number {
  if (m.attention.kind === 'mla') return (2 * (m.heads + 1) * m.attention.qkRopeHeadDim) / tp;
  return (2 * (m.heads + m.kvHeads) * m.headDim) / tp;
}

/**
 * Two RMSNorms (read and write hidden each) and the residual add (read two, write one):
 * replicated on every TP rank, since each rank holds the whole hidden state.
 */
function replicatedElementwiseElements(m: ModelSpec): number {
  return 7 * m.hidden;
}

/**
 * The work of one step as the roofline counts it, for one tensor-parallel rank summed over all
 * layers (and over pipeline stages, which run one after another): what `headroom steptime` reports
 * and what the physics tests bound the step time with.
 */
export interface StepWork {
  /** Tensor-core FLOPs of the linear layers (at the weight dtype's rate). */
  linearFlops: number;
  /** Attention and LM-head FLOPs (BF16 rate). */
  otherFlops: number;
  /** Weight bytes read: layer weights (touched experts only) and the LM head. */
  weightBytes: number;
  /** KV-cache bytes read and written by attention. */
  kvBytes: number;
  /** Activation bytes moved by GEMMs, element-wise kernels, attention queries and outputs, logits. */
  activationBytes: number;
}

/** The roofline model, which can also say how much work a step is. */
export interface RooflineStepTimeModel extends StepTimeModel {
  work(batch: StepBatch): StepWork;
}

/**
 * Tokens through the linear layers, prefillTokens + decodeSeqs. Deliberate: an iteration with no
 * token to compute throws instead of returning 0, because scheduling one is a scheduler bug (it
 * would advance the clock by the fixed overheads for nothing). Negative or NaN fields throw too.
 */
function checkedTokens(batch: StepBatch): number {
  const { prefillTokens, prefillSeqs, prefillAttentionPairs, prefillContextTokens, decodeSeqs, decodeContextTokens } = batch;
  const tokens = prefillTokens + decodeSeqs;
  if (
    !(tokens > 0) ||
    !(prefillTokens >= 0 && prefillSeqs >= 0 && prefillAttentionPairs >= 0) ||
    !(prefillContextTokens >= 0 && decodeSeqs >= 0 && decodeContextTokens >= 0)
  ) {
    throw new RangeError(
      `roofline stepTime: expected a batch with prefillTokens + decodeSeqs > 0 and no negative field, got ${JSON.stringify(batch)}`,
    );
  }
  return tokens;
}

export interface RooflineOptions {
  /**
   * Token counts below this are memoised (default 65,536: steps hold at most maxNumBatchedTokens).
   * A fit that builds thousands of short-lived models passes 0 to skip the tables.
   */
  memoTokens?: number;
}

export function createRooflineStepTime(
  shape: ReplicaShape,
  calibration: StepTimeCalibration = defaultCalibration(shape.gpu),
  options: RooflineOptions = {},
): RooflineStepTimeModel {
  const LINEAR_MEMO_SIZE = options.memoTokens ?? DEFAULT_MEMO_TOKENS;
  const { model: m, gpu, tensorParallelSize: tp, pipelineParallelSize: pp, tensorParallelFabric: fabric } = shape;
  const cal = calibration;
  if (!(Number.isInteger(tp) && tp >= 1 && Number.isInteger(pp) && pp >= 1)) {
    throw new RangeError(
      `createRooflineStepTime: tensorParallelSize and pipelineParallelSize must be positive integers, got ${tp} and ${pp}`,
    );
  }
  if (pp > m.layers) {
    throw new RangeError(`createRooflineStepTime: pipelineParallelSize ${pp} exceeds the ${m.layers} layers of ${m.id}`);
  }

  // Everything below that does not depend on the batch is computed once per replica shape, so a
  // step costs a few dozen flops and a handful of Math.pow calls (inlined for speed, not beauty).
  const weightByteWidth = BYTES_PER_ELEMENT[shape.weightDtype];
  const kvByteWidth = BYTES_PER_ELEMENT[shape.kvCacheDtype];
  const bf16Flops = gpu.bf16Tflops * 1e12 * cal.computeEfficiency;
  const hbm = gpu.hbmTBps * 1e12;
  // FP8 GEMMs (on GPUs with FP8 tensor cores) have their own measured streaming rate; the LM head
  // stays bf16 and streams at the BF16 rate.
  const fp8Gemms = shape.weightDtype === 'fp8' && gpu.fp8Tflops > 0;
  const headBandwidth = hbm * cal.memoryEfficiency;
  const weightBandwidth = hbm * (fp8Gemms ? cal.fp8MemoryEfficiency : cal.memoryEfficiency);
  const linearFlops =
    peakLinearFlops(shape) * (fp8Gemms ? cal.fp8ComputeEfficiency : cal.computeEfficiency);
  const elementwiseBandwidth = hbm * cal.elementwiseEfficiency;
  const attentionFlops = gpu.bf16Tflops * 1e12 * cal.attentionComputeEfficiency;
  const attentionBandwidth = hbm * cal.attentionMemoryEfficiency;
  const p = cal.rooflineSharpness;
  const perOp = cal.perOpOverheadSeconds;

  const layers = m.layers;
  const denseLayers = denseLayerCount(m);
  const moeLayers = moeLayerCount(m);
  const attentionParams = attentionParamsPerGpu(m, tp);
  const attentionActivations = attentionGemmActivationElements(m, tp);
  const elementwiseFixed = replicatedElementwiseElements(m) + ropeElements(m, tp);

  // Dense layer, per token: params multiplied, elements moved by GEMMs and by element-wise kernels.
  const denseParams = attentionParams + denseMlpParams(m) / tp;
  const denseGemmActivations = attentionActivations + mlpGemmActivationElements(m, m.ffn, tp);
  const denseElementwise = elementwiseFixed + mlpActivationElements(m, m.ffn, tp);
  const denseOps = LINEAR_OPS_PER_DENSE_LAYER * perOp;

  // MoE layer: the router is replicated (vLLM's gate is a ReplicatedLinear); shared and routed
  // experts are sharded over TP like a dense MLP (no expert parallelism).
  const expertParamsPerGpu = expertParams(m) / tp;
  const moeFixedParams = attentionParams + routerParamsPerLayer(m) + m.sharedExperts * expertParamsPerGpu;
  const moeActiveParams = moeFixedParams + m.activeExperts * expertParamsPerGpu;
  const expertsPerToken = m.activeExperts + m.sharedExperts;
  const moeGemmActivations =
    attentionActivations + m.hidden + m.experts + expertsPerToken * mlpGemmActivationElements(m, m.expertFfn, tp);
  const moeElementwise = elementwiseFixed + expertsPerToken * mlpActivationElements(m, m.expertFfn, tp);
  const moeOps =
    (LINEAR_OPS_PER_DENSE_LAYER + EXTRA_OPS_PER_MOE_LAYER + (m.sharedExperts > 0 ? SHARED_EXPERT_OPS : 0)) * perOp;
  const untouchedFraction = m.experts > 0 ? 1 - m.activeExperts / m.experts : 0;
  const ep = shape.expertParallel;
  const wholeExpertParams = expertParams(m);

  // Attention, per token of context or of query.
  const kvBytesPerTokenPerGpu = kvElementsPerTokenPerLayerPerGpu(m, tp) * kvByteWidth;
  const prefillFlopsPerPair = attentionFlopsPerPair(m) / tp;
  const decodeFlopsPerPair = decodeAttentionFlopsPerPair(m) / tp;
  const queryOutputBytes = ((2 * m.heads * m.headDim) / tp) * ACTIVATION_BYTES;

  // Head: LM head sharded over TP by vocabulary, kept in bf16.
  const lmHeadParamsPerGpu = lmHeadParams(m) / tp;
  const lmHeadWeightBytes = lmHeadParamsPerGpu * ACTIVATION_BYTES;
  const vocabPerGpu = m.vocab / tp;

  // Links.
  const linkGBps = fabric.GBpsPerGpu;
  const intraNode = fabric.scope === 'intra-node';
  const allReduceStepLatency = intraNode ? cal.allReduceLatencySeconds : fabric.latencyUs * 1e-6;
  const sendLatency = intraNode ? cal.sendRecvLatencySeconds : fabric.latencyUs * 1e-6;
  const ncclAllReduce = (bytes: number): number =>
    ringAllReduceSeconds(bytes, tp, linkGBps, allReduceStepLatency, cal.allReduceBandwidthEfficiency, cal.allReduceFixedSeconds);
  // Inside a node vLLM takes its own all-reduce kernel for small messages where it is faster.
  const customMax = intraNode ? cal.customAllReduceMaxBytes : 0;
  const spanning = shape.interNodeTensorParallel;
  const hierarchical =
    spanning === undefined
      ? null
      : {
          intra: { GBps: linkGBps, latencySeconds: cal.allReduceLatencySeconds },
          inter: { GBps: spanning.GBpsPerGpu, latencySeconds: spanning.latencyUs * 1e-6 },
        };
  const allReduce = (bytes: number): number => {
    if (hierarchical !== null) {
      return hierarchicalAllReduceSeconds(bytes, spanning!.gpusPerNode, spanning!.nodes, hierarchical.intra, hierarchical.inter, cal.allReduceBandwidthEfficiency, cal.allReduceFixedSeconds);
    }
    const nccl = ncclAllReduce(bytes);
    if (bytes > customMax || tp === 1) return nccl;
    const custom = cal.customAllReduceFixedSeconds + ((2 * (tp - 1)) / tp) * bytes / (linkGBps * 1e9 * cal.customAllReduceBandwidthEfficiency);
    return custom < nccl ? custom : nccl;
  };
  const layersPerSlowestStage = Math.ceil(layers / pp);
  const interNode = shape.interNodePipeline;
  const crossings = interNode === undefined ? 0 : Math.min(interNode.crossings, pp - 1);

  // Memo of the per-token-count parts of a step (a hot path: one call per simulated iteration).
  const memoLinear = new Float64Array(LINEAR_MEMO_SIZE).fill(Number.NaN);
  const memoCompute = new Float64Array(LINEAR_MEMO_SIZE);
  const memoMemory = new Float64Array(LINEAR_MEMO_SIZE);
  const memoCommunication = new Float64Array(LINEAR_MEMO_SIZE);
  const scratch = { linearTotal: 0, computeSeconds: 0, memorySeconds: 0, communicationSeconds: 0 };

  /** Linear-layer totals over all layers and the per-layer TP all-reduce time for `tokens` tokens. */
  function linearParts(tokens: number): void {
    const activationBytes = tokens * ACTIVATION_BYTES;
    let computeSeconds = 0;
    let memorySeconds = 0;
    let linearTotal = 0;
    if (denseLayers > 0) {
      const c = (2 * denseParams * tokens) / linearFlops;
      const b = (denseParams * weightByteWidth + denseGemmActivations * activationBytes) / weightBandwidth;
      const layer = smoothMax(c, b, p) + (denseElementwise * activationBytes) / elementwiseBandwidth + denseOps;
      computeSeconds += denseLayers * c;
      memorySeconds += denseLayers * b;
      linearTotal += denseLayers * layer;
    }
    if (moeLayers > 0 && ep !== undefined) {
      // Expert parallelism: the busiest GPU computes its share of every rank's routed tokens with
      // whole experts, and reads the weights of its experts those tokens touch.
      const groupTokens = tokens * ep.dataParallel;
      const routedPairs = groupTokens * m.activeExperts * ep.busiestShare;
      const touchedLocal = (m.experts / ep.size) * (1 - Math.pow(untouchedFraction, groupTokens));
      const c = (2 * moeFixedParams * tokens + 2 * routedPairs * wholeExpertParams) / linearFlops;
      const b = ((moeFixedParams + touchedLocal * wholeExpertParams) * weightByteWidth + moeGemmActivations * activationBytes) / weightBandwidth;
      const layer = smoothMax(c, b, p) + (moeElementwise * activationBytes) / elementwiseBandwidth + moeOps;
      computeSeconds += moeLayers * c;
      memorySeconds += moeLayers * b;
      linearTotal += moeLayers * layer;
    } else if (moeLayers > 0) {
      // Expected distinct routed experts the batch touches, tokens routed uniformly and independently.
      const touchedExperts = m.experts * (1 - Math.pow(untouchedFraction, tokens));
      const c = (2 * moeActiveParams * tokens) / linearFlops;
      const b =
        ((moeFixedParams + touchedExperts * expertParamsPerGpu) * weightByteWidth + moeGemmActivations * activationBytes) /
        weightBandwidth;
      const layer = smoothMax(c, b, p) + (moeElementwise * activationBytes) / elementwiseBandwidth + moeOps;
      computeSeconds += moeLayers * c;
      memorySeconds += moeLayers * b;
      linearTotal += moeLayers * layer;
    }
    const allReduced = tp > 1 ? allReduce(tokens * m.hidden * ACTIVATION_BYTES) : 0;
    let communicationSeconds = 2 * allReduced;
    if (ep !== undefined && ep.dataParallel > 1 && moeLayers > 0) {
      // Data-parallel attention: an MoE layer all-reduces attention over TP, then dispatches each
      // token's hidden state to its experts' GPUs and combines them back (two all-to-alls over EP).
      const held = tokens * m.activeExperts * m.hidden * ACTIVATION_BYTES;
      const a2a = allToAllSeconds(held, ep.size, ep.link.GBps, ep.link.latencySeconds, cal.allReduceBandwidthEfficiency, cal.allReduceFixedSeconds);
      communicationSeconds = (denseLayers * 2 * allReduced + moeLayers * (allReduced + 2 * a2a)) / layers;
    }
    if (tokens < LINEAR_MEMO_SIZE) {
      memoLinear[tokens] = linearTotal;
      memoCompute[tokens] = computeSeconds;
      memoMemory[tokens] = memorySeconds;
      memoCommunication[tokens] = communicationSeconds;
    } else {
      scratch.linearTotal = linearTotal;
      scratch.computeSeconds = computeSeconds;
      scratch.memorySeconds = memorySeconds;
      scratch.communicationSeconds = communicationSeconds;
    }
  }

  const memoLmHead = new Float64Array(LINEAR_MEMO_SIZE).fill(Number.NaN);

  /** LM head GEMM roofline for the sequences that sample (memoised per count). */
  function lmHeadSeconds(samplingSeqs: number): number {
    if (samplingSeqs < LINEAR_MEMO_SIZE) {
      const known = memoLmHead[samplingSeqs]!;
      if (!Number.isNaN(known)) return known;
    }
    const headCompute = (2 * lmHeadParamsPerGpu * samplingSeqs) / bf16Flops;
    const headMemory =
      (lmHeadWeightBytes + samplingSeqs * (m.hidden * ACTIVATION_BYTES + vocabPerGpu * LOGIT_BYTES)) / headBandwidth;
    const seconds = smoothMax(headCompute, headMemory, p);
    if (samplingSeqs < LINEAR_MEMO_SIZE) memoLmHead[samplingSeqs] = seconds;
    return seconds;
  }

  function stepTime(batch: StepBatch): StepTime {
    const { prefillTokens, prefillSeqs, prefillAttentionPairs, prefillContextTokens, decodeSeqs, decodeContextTokens } =
      batch;
    const tokens = checkedTokens(batch);

    // Linear layers and TP all-reduces depend on the token count alone: memoised per count.
    const activationBytes = tokens * ACTIVATION_BYTES;
    const memo = tokens < LINEAR_MEMO_SIZE;
    if (!memo || Number.isNaN(memoLinear[tokens]!)) linearParts(tokens);
    const linearTotal = memo ? memoLinear[tokens]! : scratch.linearTotal;
    const computeSeconds = memo ? memoCompute[tokens]! : scratch.computeSeconds;
    const memorySeconds = memo ? memoMemory[tokens]! : scratch.memorySeconds;
    const communicationSeconds = memo ? memoCommunication[tokens]! : scratch.communicationSeconds;
    const linearSeconds = linearTotal / layers;

    // Attention: prefill and decode parts on their own rooflines, plus the KV-cache write kernel.
    let attentionSeconds = perOp;
    if (prefillTokens > 0) {
      const c = (prefillFlopsPerPair * prefillAttentionPairs) / attentionFlops;
      const b =
        (kvBytesPerTokenPerGpu * (prefillContextTokens + prefillTokens) + queryOutputBytes * prefillTokens) /
        attentionBandwidth;
      attentionSeconds += smoothMax(c, b, p) + perOp;
    }
    if (decodeSeqs > 0) {
      const c = (decodeFlopsPerPair * decodeContextTokens) / attentionFlops;
      const b = (kvBytesPerTokenPerGpu * decodeContextTokens + queryOutputBytes * decodeSeqs) / attentionBandwidth;
      attentionSeconds += smoothMax(c, b, p) + perOp;
    }

    // Head: LM head for the sampling sequences (every prefilling sequence counted as sampling, an
    // upper bound: only a prompt's last chunk samples), embedding lookup and final norm.
    const samplingSeqs = decodeSeqs + prefillSeqs;
    let headSeconds = lmHeadSeconds(samplingSeqs) + (4 * m.hidden * activationBytes) / elementwiseBandwidth + HEAD_OPS * perOp;
    if (tp > 1) {
      headSeconds +=
        allReduce(tokens * m.hidden * ACTIVATION_BYTES) +
        // Across nodes the logits' all-gather is half a hierarchical all-reduce of them.
        (hierarchical !== null ? allReduce(samplingSeqs * m.vocab * LOGIT_BYTES) / 2 : 0) +
        (hierarchical !== null ? 0 : allGatherSeconds(
          samplingSeqs * m.vocab * LOGIT_BYTES,
          tp,
          linkGBps,
          allReduceStepLatency,
          cal.allReduceBandwidthEfficiency,
          cal.allReduceFixedSeconds,
        ));
    }

    // Pipeline sends: the hidden states to the next stage, over NVLink inside a node and over the
    // inter-node link where a boundary crosses nodes; the slowest send also holds back its stage.
    let pipelineSeconds = 0;
    let slowestSend = 0;
    if (pp > 1) {
      const sendBytes = tokens * m.hidden * ACTIVATION_BYTES;
      const inside = sendRecvSeconds(sendBytes, linkGBps, sendLatency, cal.sendRecvBandwidthEfficiency);
      const across =
        crossings > 0 ? sendRecvSeconds(sendBytes, interNode!.GBpsPerGpu, interNode!.latencyUs * 1e-6, cal.sendRecvBandwidthEfficiency) : 0;
      pipelineSeconds = (pp - 1 - crossings) * inside + crossings * across;
      slowestSend = crossings > 0 ? across : inside;
    }

    const layerSeconds = linearSeconds + attentionSeconds + communicationSeconds;
    const overheadSeconds = cal.stepOverheadSeconds + cal.perSequenceOverheadSeconds * samplingSeqs;
    const stepSeconds = layers * layerSeconds + headSeconds + pipelineSeconds + overheadSeconds;
    // The slowest stage holds ceil(layers / PP) layers and, conservatively, the head as well.
    const stageSeconds = pp === 1 ? stepSeconds : layersPerSlowestStage * layerSeconds + headSeconds + slowestSend + overheadSeconds;
    return {
      stepSeconds,
      bound: computeSeconds >= memorySeconds ? 'compute' : 'memory',
      layers,
      perLayer: { linearSeconds, attentionSeconds, communicationSeconds },
      headSeconds,
      pipelineSeconds,
      overheadSeconds,
      stageSeconds,
    };
  }

  /** Mirrors stepTime's accounting term by term; not on the hot path. */
  function work(batch: StepBatch): StepWork {
    const tokens = checkedTokens(batch);
    const touchedExperts = m.experts * (1 - Math.pow(untouchedFraction, tokens));
    const samplingSeqs = batch.decodeSeqs + batch.prefillSeqs;
    const linearFlops = 2 * tokens * (denseLayers * denseParams + moeLayers * moeActiveParams);
    const otherFlops =
      layers *
        (prefillFlopsPerPair * (batch.prefillTokens > 0 ? batch.prefillAttentionPairs : 0) +
          decodeFlopsPerPair * (batch.decodeSeqs > 0 ? batch.decodeContextTokens : 0)) +
      2 * lmHeadParamsPerGpu * samplingSeqs;
    const weightBytes =
      (denseLayers * denseParams + moeLayers * (moeFixedParams + touchedExperts * expertParamsPerGpu)) * weightByteWidth +
      lmHeadWeightBytes;
    const kvTokens =
      (batch.prefillTokens > 0 ? batch.prefillContextTokens + batch.prefillTokens : 0) +
      (batch.decodeSeqs > 0 ? batch.decodeContextTokens : 0);
    const kvBytes = layers * kvBytesPerTokenPerGpu * kvTokens;
    const activationElements =
      denseLayers * (denseGemmActivations + denseElementwise) + moeLayers * (moeGemmActivations + moeElementwise) + 4 * m.hidden;
    const activationBytes =
      tokens * ACTIVATION_BYTES * activationElements +
      layers * queryOutputBytes * tokens +
      samplingSeqs * (m.hidden * ACTIVATION_BYTES + vocabPerGpu * LOGIT_BYTES);
    return { linearFlops, otherFlops, weightBytes, kvBytes, activationBytes };
  }

  return { name: 'roofline', stepTime, work };
}
