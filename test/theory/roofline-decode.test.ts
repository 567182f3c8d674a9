import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findGpu } from '../../engine/catalog/lookup.js';
import { simulate } from '../../engine/simulate.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

/** One request at a time (rate far below capacity): decode TPOT is the single-sequence step time. */
const lowLoad = (model: string, gpu: unknown, tp: number) =>
  tinyScenario({
    stop: { requests: 30 },
    model,
    cluster: { gpu, gpusPerNode: tp },
    serving: { tensorParallelSize: tp, replicas: 1 },
    workload: {
      arrival: { process: 'poisson', rate: 0.02 },
      inputTokens: { dist: 'fixed', value: 512 },
      outputTokens: { dist: 'fixed', value: 256 },
    },
  });

describe('decode physics through the whole simulator', () => {
  it.each([
    ['llama-3.1-8b', 'h100-sxm', 1],
    ['llama-3.1-8b', 'a100-80gb', 1],
    ['llama-3.1-70b', 'h100-sxm', 4],
    ['llama-3.1-70b', 'h200', 8],
    ['mixtral-8x7b', 'h100-sxm', 2],
    ['qwen2.5-72b', 'mi300x', 2],
  ])('TPOT of %s on %s at TP%s at low load is never below weight bytes per GPU / HBM bandwidth', (model, gpu, tp) => {
    const r = simulate(lowLoad(model, gpu, tp));
    const spec = findGpu(gpu)!;
    // Only the weights a decode step reads: an MoE step with one token touches its active experts.
    const bytesPerGpu = r.memory.weightGiBPerGpu * 2 ** 30;
    const activeFraction = model === 'mixtral-8x7b' ? 12.9 / 46.7 : 1;
    const floor = (bytesPerGpu * activeFraction * 0.95) / (spec.hbmTBps * 1e12);
    expect(r.latency.tpot.p50!, `TPOT ${r.latency.tpot.p50} s vs roofline floor ${floor} s`).toBeGreaterThanOrEqual(floor);
  });

  it('more HBM bandwidth never makes decode slower (property over bandwidths)', () => {
    const h100 = findGpu('h100-sxm')!;
    const gpuWith = (hbmTBps: number) => ({
      name: 'what-if H100',
      hbmGiB: h100.hbmGiB,
      hbmTBps,
      bf16Tflops: h100.bf16Tflops,
      fp8Tflops: h100.fp8Tflops,
      intraNodeFabric: 'nvlink4',
      intraNodeGBps: h100.intraNodeGBps,
    });
    fc.assert(
      fc.property(fc.double({ min: 1, max: 8, noNaN: true }), fc.double({ min: 1.01, max: 3, noNaN: true }), (bw, factor) => {
        const slow = simulate(lowLoad('llama-3.1-8b', gpuWith(bw), 1)).latency.tpot.p50!;
        const fast = simulate(lowLoad('llama-3.1-8b', gpuWith(bw * factor), 1)).latency.tpot.p50!;
        expect(fast).toBeLessThanOrEqual(slow);
      }),
      { numRuns: 20 },
    );
  });
});
