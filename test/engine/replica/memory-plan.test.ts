import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dtype, GpuSpec, ModelSpec } from '../../../engine/catalog/catalog-types.js';
import { findGpu, findModel, gpuIds, modelIds } from '../../../engine/catalog/lookup.js';
import { GIB, planReplicaMemory, type MemoryPlanInput } from '../../../engine/replica/memory-plan.js';

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`catalog has no ${what}`);
  return value;
}

const h100 = must(findGpu('h100-sxm'), 'h100-sxm');
const llama8b = must(findModel('llama-3.1-8b'), 'llama-3.1-8b');
const llama70b = must(findModel('llama-3.1-70b'), 'llama-3.1-70b');
const deepseek = must(findModel('deepseek-v3'), 'deepseek-v3');

function input(model: ModelSpec, gpu: GpuSpec, overrides: Partial<MemoryPlanInput> = {}): MemoryPlanInput {
  return {
    model,
    gpu,
    tensorParallelSize: 1,
    pipelineParallelSize: 1,
    weightDtype: 'bf16',
    kvCacheDtype: 'bf16',
    gpuMemoryUtilization: 0.9,
    blockSize: 16,
    maxNumBatchedTokens: 8192,
    maxNumSeqs: 256,
    ...overrides,
  };
}

describe('planReplicaMemory(input)', () => {
  it('planReplicaMemory gives Llama-3.1-8B bf16 on one H100 at 0.9 about (71.7 - 15.0 - activations) GiB of KV', () => {
    const plan = planReplicaMemory(input(llama8b, h100));
    expect(plan.budgetBytesPerGpu / GIB).toBeCloseTo(0.9 * h100.hbmGiB, 9);
    expect(plan.weightBytesPerGpu / GIB).toBeCloseTo(14.96, 1);
    // The activation reserve is vLLM-sized: more than the 1 GiB non-torch part, well under 4 GiB.
    expect(plan.activationBytesPerGpu / GIB).toBeGreaterThan(1);
    expect(plan.activationBytesPerGpu / GIB).toBeLessThan(4);
    expect(plan.kvBytesPerGpu).toBeCloseTo(plan.budgetBytesPerGpu - plan.weightBytesPerGpu - plan.activationBytesPerGpu, 3);
    expect(plan.kvBytesPerGpu / GIB).toBeGreaterThan(52);
    expect(plan.kvBytesPerGpu / GIB).toBeLessThan(56);
  });

  it('planReplicaMemory stores 131072 KV bytes per token per GPU for Llama-3.1-8B (32 layers x 2 x 8 heads x 128 x 2 bytes)', () => {
    const plan = planReplicaMemory(input(llama8b, h100));
    expect(plan.kvBytesPerTokenPerGpu).toBe(131072);
    expect(plan.kvHeadsPerGpu).toBe(8);
    expect(plan.kvBlocks).toBe(Math.floor(plan.kvBytesPerGpu / (16 * 131072)));
    expect(plan.kvTokens).toBe(plan.kvBlocks * 16);
    expect(plan.fits).toBe(true);
  });

  it('planReplicaMemory puts ~32.9 GiB of Llama-3.1-70B bf16 weights on each GPU at TP4', () => {
    const plan = planReplicaMemory(input(llama70b, h100, { tensorParallelSize: 4 }));
    expect(plan.weightBytesPerGpu / GIB).toBeCloseTo(32.85, 1);
    expect(plan.kvHeadsPerGpu).toBe(2);
    expect(plan.kvBytesPerTokenPerGpu).toBe(80 * 2 * 2 * 128 * 2);
  });

  it('planReplicaMemory shards 8 KV heads over TP8 to 1 head per GPU, and replicates one head when TP exceeds them', () => {
    expect(planReplicaMemory(input(llama70b, h100, { tensorParallelSize: 8 })).kvHeadsPerGpu).toBe(1);
    const tp16 = planReplicaMemory(input(llama70b, h100, { tensorParallelSize: 16 }));
    expect(tp16.kvHeadsPerGpu).toBe(1);
    expect(tp16.kvBytesPerTokenPerGpu).toBe(80 * 2 * 1 * 128 * 2);
  });

  it('planReplicaMemory keeps the whole MLA latent on every TP rank (DeepSeek-V3: 61 x (512 + 64) elements)', () => {
    const tp1 = planReplicaMemory(input(deepseek, h100, { weightDtype: 'fp8' }));
    const tp8 = planReplicaMemory(input(deepseek, h100, { weightDtype: 'fp8', tensorParallelSize: 8 }));
    expect(tp1.kvBytesPerTokenPerGpu).toBe(61 * 576 * 2);
    expect(tp8.kvBytesPerTokenPerGpu).toBe(61 * 576 * 2);
    expect(tp8.kvBytesPerTokenPerGpu / 2).toBe(planReplicaMemory(input(deepseek, h100, { weightDtype: 'fp8', tensorParallelSize: 8, kvCacheDtype: 'fp8' })).kvBytesPerTokenPerGpu);
  });

  it('planReplicaMemory splits layers over pipeline stages, the largest stage bounding the KV', () => {
    const pp3 = planReplicaMemory(input(llama8b, h100, { pipelineParallelSize: 3 }));
    expect(pp3.layersPerGpu).toBe(11); // ceil(32 / 3)
    expect(pp3.kvBytesPerTokenPerGpu).toBe(11 * 2 * 8 * 128 * 2);
  });

  it('planReplicaMemory reports a model that does not fit: Llama-3.1-405B on one H100 has negative KV and 0 blocks', () => {
    const plan = planReplicaMemory(input(must(findModel('llama-3.1-405b'), '405b'), h100));
    expect(plan.weightBytesPerGpu / GIB).toBeGreaterThan(700);
    expect(plan.kvBytesPerGpu).toBeLessThan(0);
    expect(plan.kvBlocks).toBe(0);
    expect(plan.kvTokens).toBe(0);
    expect(plan.fits).toBe(false);
  });

  const arbitraryInput = fc.record({
    model: fc.constantFrom(...modelIds()).map((id) => must(findModel(id), id)),
    gpu: fc.constantFrom(...gpuIds()).map((id) => must(findGpu(id), id)),
    tensorParallelSize: fc.constantFrom(1, 2, 4, 8),
    pipelineParallelSize: fc.constantFrom(1, 2, 4),
    weightDtype: fc.constantFrom<Dtype>('bf16', 'fp8', 'int4'),
    kvCacheDtype: fc.constantFrom<Dtype>('bf16', 'fp8'),
    gpuMemoryUtilization: fc.double({ min: 0.01, max: 1, noNaN: true }),
    blockSize: fc.constantFrom(8, 16, 32, 64, 128),
    maxNumBatchedTokens: fc.integer({ min: 1, max: 65536 }),
    maxNumSeqs: fc.integer({ min: 1, max: 1024 }),
  });

  it('planReplicaMemory never gives fewer blocks for a higher gpuMemoryUtilization', () => {
    fc.assert(
      fc.property(arbitraryInput, fc.double({ min: 0, max: 1, noNaN: true }), (base, t) => {
        const higher = base.gpuMemoryUtilization + (1 - base.gpuMemoryUtilization) * t;
        return planReplicaMemory({ ...base, gpuMemoryUtilization: higher }).kvBlocks >= planReplicaMemory(base).kvBlocks;
      }),
    );
  });

  it('planReplicaMemory never gives negative blocks, and the blocks it gives fit in the KV bytes', () => {
    fc.assert(
      fc.property(arbitraryInput, (base) => {
        const plan = planReplicaMemory(base);
        const blockBytes = base.blockSize * plan.kvBytesPerTokenPerGpu;
        return (
          Number.isInteger(plan.kvBlocks) &&
          plan.kvBlocks >= 0 &&
          plan.kvBlocks * blockBytes <= Math.max(0, plan.kvBytesPerGpu) &&
          plan.fits === plan.kvBlocks >= 1 &&
          plan.kvTokens === plan.kvBlocks * base.blockSize
        );
      }),
    );
  });
});
