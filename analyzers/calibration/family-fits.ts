import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findGpu, findModel } from '../../engine/catalog/lookup.js';
import { planReplicaMemory } from '../../engine/replica/memory-plan.js';
import { FITTED_CALIBRATIONS, MI300X_CALIBRATION, type StepTimeCalibration } from '../../engine/step-time/step-time-calibration.js';
import { aboveRooflineBound, familyErrors, fitFamily, type FamilyFitSpec } from './fit-gpu-family.js';
import { formatSummary } from './fit-tools.js';
import { readStaticBatchCases, type StaticBatchCase } from './serving-benchmarks.js';

/**
 * Which published rows calibrate which GPU family, and which are held out (see
 * shared/data/serving-benchmarks/SOURCE.md). Re-run the fits with
 *
 *     npx tsx analyzers/calibration/family-fits.ts [path/to/shared/data]
 *
 * and copy what they print into engine/step-time/step-time-calibration.ts;
 * test/validation/gpu-family-calibration.test.ts refits and fails when the two drift apart.
 */

export const SERVING_BENCHMARK_FILES = ['amd-rocm-vllm-mi300x.json', 'dstack-llama-3.1-405b-h100-mi300x.json'] as const;

/** Every static-batch row of the serving-benchmarks folder under `dataDir`. */
export function readServingBenchmarks(dataDir: string): StaticBatchCase[] {
  return SERVING_BENCHMARK_FILES.flatMap((f) => readStaticBatchCases(join(dataDir, 'serving-benchmarks', f)));
}

/**
 * vLLM's token budget in each set's runs: AMD's benchmark_latency (vLLM 0.9, V1, LLM class on a
 * >= 70 GiB GPU) 16,384; dstack's vLLM 0.6.3/0.6.4 runs with --max-model-len 91680, for which V0
 * turns chunked prefill on with max_num_batched_tokens 512.
 */
function budgetOf(c: StaticBatchCase): number {
  return c.set === 'DSTACK-405B' ? 512 : 16384;
}

/**
 * True when the whole batch's KV fits the replica at gpu_memory_utilization 0.9, so every
 * sequence runs from start to end: the rows a static-batch formula describes. Larger batches
 * queue or preempt (dstack's 405B-on-H100 plateau is such a KV-capacity test) and are checked by
 * simulating them instead.
 */
export function batchFitsKv(c: StaticBatchCase): boolean {
  const gpu = findGpu(c.gpu);
  const model = findModel(c.model);
  if (gpu === undefined || model === undefined) return false;
  const plan = planReplicaMemory({
    model,
    gpu,
    tensorParallelSize: c.tensorParallelSize,
    pipelineParallelSize: 1,
    weightDtype: c.weightDtype,
    kvCacheDtype: c.kvCacheDtype,
    gpuMemoryUtilization: 0.9,
    blockSize: 16,
    maxNumBatchedTokens: budgetOf(c),
    maxNumSeqs: Math.max(256, c.batch),
  });
  return plan.fits && c.batch * (c.inputTokens + c.outputTokens) <= plan.kvTokens;
}

/** AMD's own latency table; rows below the ideal roofline (see aboveRooflineBound) are dropped. */
const isAmdLatency = (c: StaticBatchCase) =>
  c.set === 'AMD-ROCM-VLLM-DEVDOCKER' && c.gpu === 'mi300x' && aboveRooflineBound(c, budgetOf);
/**
 * dstack's MI300X runs of Meta's FP8 checkpoint on vLLM 0.6.3 ROCm are 3-4x slower than AMD's own
 * FP8-KV checkpoint on the same GPUs a version later (and than AMD's own table): a kernel-path
 * artefact of that engine build, not the hardware. They are reported, never fitted or checked.
 */
const isDstackAmdCheckpoint = (c: StaticBatchCase) => c.set === 'DSTACK-405B' && c.gpu === 'mi300x' && c.checkpoint === 'amd';
/** Every other batch size of the latency table trains (1, 4, 16, 64), the rest checks (2, 8, 32, 128). */
const trainingBatch = (c: StaticBatchCase) => [1, 4, 16, 64].includes(c.batch);

/**
 * MI300X: fitted on AMD's latency table at batch 1, 4, 16 and 64 (70B and 405B FP8, TP8, 128- and
 * 2048-token prompts, 2048 out); checked on the same table at batch 2, 8, 32 and 128 (interpolation
 * and the largest, most compute-bound batch) and on dstack's 405B runs of AMD's checkpoint (TP8 and
 * TP4, vLLM 0.6.4: another engine version and parallelism) whose batch fits the KV cache. The
 * table's 405B rows at 2048-token prompts and batch >= 16 are below the ideal roofline (their
 * 268M-token prefill would need more than the GPU's peak FP8 FLOP/s) and drop out.
 */
export function mi300xSpec(base: StepTimeCalibration = FITTED_CALIBRATIONS.a100): FamilyFitSpec {
  return {
    family: 'mi300x',
    gpu: 'mi300x',
    base,
    free: ['fp8MemoryEfficiency', 'fp8ComputeEfficiency', 'allReduceFixedSeconds', 'stepOverheadSeconds', 'perSequenceOverheadSeconds', 'attentionMemoryEfficiency'],
    unmeasuredPrior: { perSequenceOverheadSeconds: 5e-6 },
    train: (c) => isAmdLatency(c) && trainingBatch(c),
    check: (c) => (isAmdLatency(c) && !trainingBatch(c)) || (isDstackAmdCheckpoint(c) && batchFitsKv(c)),
    maxNumBatchedTokens: budgetOf,
  };
}

/**
 * H100: the Vidur operator fit fixes the BF16 linear layers and collectives; dstack's Llama-3.1-405B
 * FP8 runs (Meta's w8a8 checkpoint, TP8, vLLM 0.6.3) add how fast FP8 GEMMs stream weights. Fitted
 * on the 128-token-prompt batches of 4-16, checked on the 2048-token ones. Batches of 32 and more
 * are left out: there vLLM 0.6.3's step time grows ~0.75 ms per sequence (7% of FP8 peak at 256),
 * a V0 scheduler/kernel-path cost of that build that today's engines do not have, so they would
 * teach the model an engine artefact. FP8 compute at large batch on H100 stays unmeasured.
 */
export function h100Spec(base: StepTimeCalibration = FITTED_CALIBRATIONS.h100): FamilyFitSpec {
  const dstackH100 = (c: StaticBatchCase) => c.set === 'DSTACK-405B' && c.gpu === 'h100-sxm' && c.batch <= 16 && batchFitsKv(c);
  return {
    family: 'h100',
    gpu: 'h100-sxm',
    base,
    free: ['fp8MemoryEfficiency'],
    train: (c) => dstackH100(c) && c.inputTokens === 128,
    check: (c) => dstackH100(c) && c.inputTokens === 2048,
    maxNumBatchedTokens: budgetOf,
  };
}

function main(): void {
  const dataDir = process.argv[2] ?? join(process.cwd(), '..', 'shared', 'data');
  const cases = readServingBenchmarks(dataDir);
  for (const [spec, current] of [
    [mi300xSpec(), MI300X_CALIBRATION],
    [h100Spec(), FITTED_CALIBRATIONS.h100],
  ] as const) {
    const before = familyErrors(spec, cases, spec.base);
    const fit = fitFamily(spec, cases);
    const now = familyErrors(spec, cases, current);
    console.log(`${spec.family}: ${JSON.stringify(fit.fitted)}`);
    console.log(`  ${formatSummary('before (start constants), train', before.train)}; ${formatSummary('check', before.check)}`);
    console.log(`  ${formatSummary('refitted, train', fit.train)}; ${formatSummary('check', fit.check)}`);
    console.log(`  ${formatSummary('shipped constants, train', now.train)}; ${formatSummary('check', now.check)}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
