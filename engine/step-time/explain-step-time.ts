import type { Dtype, FabricSpec, GpuSpec, ModelSpec } from '../catalog/catalog-types.js';
import { findFabric } from '../catalog/lookup.js';
import { weightBytes } from '../catalog/model-arithmetic.js';
import { createRooflineStepTime } from './roofline-step-time.js';
import { calibrationFor, defaultCalibration, type CalibrationProvenance, type StepTimeCalibration } from './step-time-calibration.js';
import type { StepBatch } from './step-time-model.js';

/**
 * What `headroom steptime` answers: how long one iteration of a given batch takes on a replica, and
 * what it is made of.
 *
 * The batch it times, from three numbers:
 * - `decodeSeqs` sequences each produce one token, attending over `context` cached tokens each.
 * - `prefillTokens` (when > 0) are one new sequence's prompt chunk, after `prefillContext` cached
 *   tokens of its own (default 0: a fresh prompt, so prefillTokens alone is a whole prompt's
 *   prefill). `context` describes the decoding sequences only; set `prefillContext` to time a later
 *   chunk of a chunked prefill.
 */
export interface StepTimeQuestion {
  model: ModelSpec;
  gpu: GpuSpec;
  tensorParallelSize: number;
  pipelineParallelSize?: number;
  /** Weight dtype (default: the model checkpoint's, as a scenario's serving.quantization). */
  quantization?: Dtype;
  /** KV-cache dtype (default bf16, the activation dtype). */
  kvCacheDtype?: Dtype;
  prefillTokens: number;
  decodeSeqs: number;
  context: number;
  /** Cached tokens before the prefill chunk (default 0). */
  prefillContext?: number;
  /** Link of the tensor-parallel all-reduce (default: the GPU's own scale-up fabric). */
  fabric?: FabricSpec;
  calibration?: StepTimeCalibration;
}

/** Seconds unless named otherwise; "per GPU" quantities are one tensor-parallel rank's, summed over pipeline stages. */
export interface StepTimeExplanation {
  model: string;
  gpu: string;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  weightDtype: Dtype;
  kvCacheDtype: Dtype;
  batch: StepBatch;
  /** The iteration's wall time: layers x (linear + attention + communication) + head + pipeline + overhead. */
  stepSeconds: number;
  /** Slowest pipeline stage (= stepSeconds at PP 1). */
  stageSeconds: number;
  layers: number;
  bound: 'compute' | 'memory';
  perLayer: { linearSeconds: number; attentionSeconds: number; communicationSeconds: number };
  headSeconds: number;
  pipelineSeconds: number;
  overheadSeconds: number;
  /** Tokens computed per second: (prefillTokens + decodeSeqs) / stepSeconds. */
  tokensPerSecond: number;
  /** Generated tokens per second: decodeSeqs / stepSeconds. */
  decodeTokensPerSecond: number;
  /** Weights resident on each GPU: weightBytes(model, dtype) / (TP x PP). */
  weightBytesPerGpu: number;
  /** Weight bytes this step reads per GPU (MoE: touched experts only; the LM head, not the input embedding table). */
  weightBytesReadPerGpu: number;
  /** KV-cache bytes this step reads and writes per GPU (all layers). */
  kvBytesPerGpu: number;
  /** FLOPs of the step on one tensor-parallel rank: linear layers, attention, LM head. */
  flopsPerStep: number;
  /** HBM bytes the step moves on one tensor-parallel rank: weights read, KV cache, activations. */
  bytesPerStep: number;
  /** flopsPerStep / bytesPerStep, FLOP per byte. */
  arithmeticIntensity: number;
  /** max(FLOPs / peak FLOP/s, bytes / peak HBM bandwidth): the step at 100% efficiency and no overheads. */
  rooflineLowerBoundSeconds: number;
  calibration: StepTimeCalibration;
  /** Whether those constants were fitted on this GPU family and weight dtype, or borrowed. */
  calibrationProvenance: CalibrationProvenance;
}

function checkCount(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`explainStepTime: ${name} must be an integer >= 0, got ${value}`);
}

export function explainStepTime(input: StepTimeQuestion): StepTimeExplanation {
  const { model, gpu, tensorParallelSize, prefillTokens, decodeSeqs, context } = input;
  const pipelineParallelSize = input.pipelineParallelSize ?? 1;
  const weightDtype = input.quantization ?? model.weightDtype;
  const kvCacheDtype = input.kvCacheDtype ?? 'bf16';
  const prefillContext = input.prefillContext ?? 0;
  for (const [name, value] of [
    ['prefillTokens', prefillTokens],
    ['decodeSeqs', decodeSeqs],
    ['context', context],
    ['prefillContext', prefillContext],
  ] as const) {
    checkCount(name, value);
  }
  const fabric = input.fabric ?? findFabric(gpu.intraNodeFabric);
  if (fabric === undefined) {
    throw new Error(`explainStepTime: GPU ${gpu.id} names fabric ${gpu.intraNodeFabric}, which the catalog does not have`);
  }
  const calibration = input.calibration ?? defaultCalibration(gpu);
  const stepModel = createRooflineStepTime(
    { model, gpu, tensorParallelSize, pipelineParallelSize, weightDtype, kvCacheDtype, tensorParallelFabric: fabric },
    calibration,
  );
  const batch: StepBatch = {
    prefillTokens,
    prefillSeqs: prefillTokens > 0 ? 1 : 0,
    prefillAttentionPairs: prefillTokens * prefillContext + (prefillTokens * (prefillTokens + 1)) / 2,
    prefillContextTokens: prefillTokens > 0 ? prefillContext : 0,
    decodeSeqs,
    decodeContextTokens: decodeSeqs * context,
  };
  const t = stepModel.stepTime(batch);
  const work = stepModel.work(batch);

  const linearPeak = (weightDtype === 'fp8' && gpu.fp8Tflops > 0 ? gpu.fp8Tflops : gpu.bf16Tflops) * 1e12;
  const flopsPerStep = work.linearFlops + work.otherFlops;
  const bytesPerStep = work.weightBytes + work.kvBytes + work.activationBytes;
  const computeBound = work.linearFlops / linearPeak + work.otherFlops / (gpu.bf16Tflops * 1e12);
  const memoryBound = bytesPerStep / (gpu.hbmTBps * 1e12);
  return {
    model: model.id,
    gpu: gpu.id,
    tensorParallelSize,
    pipelineParallelSize,
    weightDtype,
    kvCacheDtype,
    batch,
    stepSeconds: t.stepSeconds,
    stageSeconds: t.stageSeconds,
    layers: t.layers,
    bound: t.bound,
    perLayer: { ...t.perLayer },
    headSeconds: t.headSeconds,
    pipelineSeconds: t.pipelineSeconds,
    overheadSeconds: t.overheadSeconds,
    tokensPerSecond: (prefillTokens + decodeSeqs) / t.stepSeconds,
    decodeTokensPerSecond: decodeSeqs / t.stepSeconds,
    weightBytesPerGpu: weightBytes(model, weightDtype) / (tensorParallelSize * pipelineParallelSize),
    weightBytesReadPerGpu: work.weightBytes,
    kvBytesPerGpu: work.kvBytes,
    flopsPerStep,
    bytesPerStep,
    arithmeticIntensity: flopsPerStep / bytesPerStep,
    rooflineLowerBoundSeconds: Math.max(computeBound, memoryBound),
    calibration,
    calibrationProvenance:
      input.calibration === undefined
        ? calibrationFor(gpu, weightDtype).provenance
        : { source: calibration.fittedOn, gpuFamily: gpu.id, fitted: false, borrowedFrom: 'constants given to explainStepTime' },
  };
}

function ms(seconds: number): string {
  return `${(seconds * 1e3).toFixed(3)} ms`;
}

function share(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** A readable multi-line account of an explanation for the terminal: one line per part, ms and share. */
export function formatStepTimeExplanation(e: StepTimeExplanation): string {
  const L = e.layers;
  const rows: [string, string, number][] = [
    ['linear', `${L} x ${ms(e.perLayer.linearSeconds)}`, L * e.perLayer.linearSeconds],
    ['attention', `${L} x ${ms(e.perLayer.attentionSeconds)}`, L * e.perLayer.attentionSeconds],
    ['all-reduce', `${L} x ${ms(e.perLayer.communicationSeconds)}`, L * e.perLayer.communicationSeconds],
    ['head', 'embedding, LM head', e.headSeconds],
    ['pipeline', `${e.pipelineParallelSize - 1} stage sends`, e.pipelineSeconds],
    ['overhead', 'scheduling, sampling', e.overheadSeconds],
  ];
  const b = e.batch;
  const lines = [
    `${e.model} on ${e.tensorParallelSize * e.pipelineParallelSize} x ${e.gpu} (TP ${e.tensorParallelSize}, PP ${e.pipelineParallelSize}), weights ${e.weightDtype}, KV cache ${e.kvCacheDtype}`,
    `batch: ${b.prefillTokens} prefill tokens (after ${b.prefillContextTokens} cached), ${b.decodeSeqs} decode seqs x ${
      b.decodeSeqs > 0 ? b.decodeContextTokens / b.decodeSeqs : 0
    } context`,
    `step ${ms(e.stepSeconds)}, ${e.bound}-bound linear layers; ${e.tokensPerSecond.toFixed(0)} tokens/s computed, ${e.decodeTokensPerSecond.toFixed(0)} generated`,
  ];
  for (const [name, detail, seconds] of rows) {
    lines.push(`  ${name.padEnd(11)}${ms(seconds).padStart(13)}  ${share(seconds, e.stepSeconds)}  ${detail}`);
  }
  lines.push(
    `roofline lower bound ${ms(e.rooflineLowerBoundSeconds)} (${share(e.rooflineLowerBoundSeconds, e.stepSeconds).trim()} of the step): ` +
      `${(e.flopsPerStep / 1e12).toFixed(3)} TFLOP and ${gigabytes(e.bytesPerStep)} per GPU, ${e.arithmeticIntensity.toFixed(1)} FLOP/byte`,
    `weights ${gigabytes(e.weightBytesPerGpu)} per GPU resident, ${gigabytes(e.weightBytesReadPerGpu)} read; KV ${gigabytes(e.kvBytesPerGpu)} read per GPU`,
    e.calibrationProvenance.fitted
      ? `calibration: ${e.calibration.fittedOn}`
      : `uncalibrated: constants borrowed from ${e.calibrationProvenance.borrowedFrom} (${e.calibration.fittedOn})`,
  );
  return `${lines.join('\n')}\n`;
}
