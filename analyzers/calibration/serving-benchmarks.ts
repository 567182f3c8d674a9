import { readFileSync } from 'node:fs';
import type { Dtype } from '../../engine/catalog/catalog-types.js';

/**
 * Published end-to-end static-batch measurements (vLLM `benchmark_latency` and offline batches:
 * B identical prompts of I tokens, O output tokens each, one batch from prefill to the last token),
 * read from the JSON arrays of shared/data/serving-benchmarks/ (see its SOURCE.md). They pin what
 * the operator profiles cannot: FP8 GEMMs at large batch, per-step CPU costs, other GPU families.
 */
export interface StaticBatchCase {
  id: string;
  /** Which published set the row belongs to (AMD-ROCM-VLLM-DEVDOCKER, DSTACK-405B). */
  set: string;
  model: string;
  gpu: string;
  tensorParallelSize: number;
  weightDtype: Dtype;
  kvCacheDtype: Dtype;
  inputTokens: number;
  outputTokens: number;
  batch: number;
  /** Measured wall time of the whole batch, seconds. */
  seconds: number;
  /** The checkpoint the row ran (dstack compares Meta's FP8 checkpoint with AMD's FP8-KV one). */
  checkpoint: 'amd' | 'meta' | 'other';
  engineVersion: string;
}

interface RawRow {
  id: string;
  set: string;
  modelCatalogId: string;
  gpuCatalogId: string;
  tp: number;
  weightsDtype: string;
  kvDtype: string;
  engineVersion: string;
  workload: { kind: string; inputTokens?: number; outputTokens?: number; batchSize?: number; numPrompts?: number };
  metrics: { e2eBatchLatencyS?: number; e2eLatencyS?: number };
}

/** 'fp8 (AMD Quark ...)' -> fp8; 'fp16 (latency command ...)' and 'bf16' -> bf16 (both 2 bytes). */
function dtypeOf(text: string): Dtype {
  if (text.startsWith('fp8')) return 'fp8';
  if (text.startsWith('int4')) return 'int4';
  return 'bf16';
}

/** The static-batch rows of one serving-benchmarks file; online (rate-driven) rows are skipped. */
export function readStaticBatchCases(path: string): StaticBatchCase[] {
  const rows = JSON.parse(readFileSync(path, 'utf8')) as RawRow[];
  const out: StaticBatchCase[] = [];
  for (const r of rows) {
    const w = r.workload;
    const seconds = r.metrics.e2eBatchLatencyS ?? r.metrics.e2eLatencyS;
    // Offline batches name their size numPrompts (all submitted at t = 0); latency rows batchSize.
    const batch = w.batchSize ?? (w.kind.startsWith('offline batch') ? w.numPrompts : undefined);
    if (seconds === undefined || batch === undefined || w.inputTokens === undefined || w.outputTokens === undefined) continue;
    out.push({
      id: r.id,
      set: r.set,
      model: r.modelCatalogId,
      gpu: r.gpuCatalogId,
      tensorParallelSize: r.tp,
      weightDtype: dtypeOf(r.weightsDtype),
      kvCacheDtype: dtypeOf(r.kvDtype),
      inputTokens: w.inputTokens,
      outputTokens: w.outputTokens,
      batch,
      seconds,
      checkpoint: r.id.includes('-amd-') || r.set === 'AMD-ROCM-VLLM-DEVDOCKER' ? 'amd' : r.id.includes('-meta-') ? 'meta' : 'other',
      engineVersion: r.engineVersion,
    });
  }
  return out;
}
