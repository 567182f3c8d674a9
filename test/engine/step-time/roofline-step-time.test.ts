import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dtype, FabricSpec, GpuSpec, ModelSpec } from '../../../engine/catalog/catalog-types.js';
import { GPUS } from '../../../engine/catalog/gpus.js';
import { findFabric, findGpu, findModel } from '../../../engine/catalog/lookup.js';
import { BYTES_PER_ELEMENT, expertParams, lmHeadParams, weightBytes } from '../../../engine/catalog/model-arithmetic.js';
import { MODELS } from '../../../engine/catalog/models.js';
import { createRooflineStepTime, smoothMax } from '../../../engine/step-time/roofline-step-time.js';
import { defaultCalibration, type StepTimeCalibration } from '../../../engine/step-time/step-time-calibration.js';
import type { ReplicaShape, StepBatch } from '../../../engine/step-time/step-time-model.js';

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`catalog has no ${what}`);
  return value;
}

const fabricOf = (gpu: GpuSpec): FabricSpec => must(findFabric(gpu.intraNodeFabric), `fabric ${gpu.intraNodeFabric}`);

function shapeOf(model: ModelSpec, gpu: GpuSpec, tp: number, weightDtype: Dtype = 'bf16', pp = 1, kvCacheDtype: Dtype = 'bf16'): ReplicaShape {
  return { model, gpu, tensorParallelSize: tp, pipelineParallelSize: pp, weightDtype, kvCacheDtype, tensorParallelFabric: fabricOf(gpu) };
}

function decodeBatch(seqs: number, context: number): StepBatch {
  return { prefillTokens: 0, prefillSeqs: 0, prefillAttentionPairs: 0, prefillContextTokens: 0, decodeSeqs: seqs, decodeContextTokens: seqs * context };
}

/** Bytes a dense model's decode step must read per TP rank: every layer weight and the LM head (the input embedding is gathered by row). */
function denseWeightBytesReadPerRank(m: ModelSpec, dtype: Dtype, tp: number): number {
  const inputEmbedding = m.tiedEmbeddings ? 0 : lmHeadParams(m) * BYTES_PER_ELEMENT.bf16;
  return (weightBytes(m, dtype) - inputEmbedding) / tp;
}

const arbitraryShape = fc.record({
  model: fc.constantFrom(...MODELS),
  gpu: fc.constantFrom(...GPUS),
  tp: fc.constantFrom(1, 2, 4, 8),
  pp: fc.constantFrom(1, 1, 2, 4),
  weightDtype: fc.constantFrom<Dtype>('bf16', 'fp8', 'int4'),
  kvCacheDtype: fc.constantFrom<Dtype>('bf16', 'fp8'),
});

/** A consistent batch: prefill chunks with their causal pairs, decode sequences with their contexts. */
const arbitraryBatch: fc.Arbitrary<StepBatch> = fc
  .record({
    chunk: fc.integer({ min: 0, max: 8192 }),
    cached: fc.integer({ min: 0, max: 32768 }),
    decodeSeqs: fc.integer({ min: 0, max: 512 }),
    meanContext: fc.integer({ min: 1, max: 32768 }),
  })
  .filter((b) => b.chunk + b.decodeSeqs > 0)
  .map((b) => ({
    prefillTokens: b.chunk,
    prefillSeqs: b.chunk > 0 ? 1 : 0,
    prefillAttentionPairs: b.chunk > 0 ? b.chunk * b.cached + (b.chunk * (b.chunk + 1)) / 2 : 0,
    prefillContextTokens: b.chunk > 0 ? b.cached : 0,
    decodeSeqs: b.decodeSeqs,
    decodeContextTokens: b.decodeSeqs * b.meanContext,
  }));

const arbitraryDecode = fc
  .record({ seqs: fc.integer({ min: 1, max: 512 }), context: fc.integer({ min: 1, max: 32768 }) })
  .map(({ seqs, context }) => decodeBatch(seqs, context));

/** a <= b allowing for float rounding. */
const notAbove = (a: number, b: number): boolean => a <= b * (1 + 1e-12);

describe('createRooflineStepTime', () => {
  const h100 = must(findGpu('h100-sxm'), 'h100-sxm');
  const h200 = must(findGpu('h200'), 'h200');
  const a100 = must(findGpu('a100-80gb'), 'a100-80gb');
  const llama8b = must(findModel('llama-3.1-8b'), 'llama-3.1-8b');
  const llama70b = must(findModel('llama-3.1-70b'), 'llama-3.1-70b');
  const mixtral = must(findModel('mixtral-8x7b'), 'mixtral-8x7b');

  it("createRooflineStepTime(shape).name is 'roofline' and stepTime(empty batch) throws a RangeError", () => {
    const model = createRooflineStepTime(shapeOf(llama8b, h100, 1));
    expect(model.name).toBe('roofline');
    expect(() => model.stepTime(decodeBatch(0, 0))).toThrow(RangeError);
    expect(() => model.stepTime({ ...decodeBatch(1, 10), decodeContextTokens: -1 })).toThrow(RangeError);
  });

  it('stepTime(one llama-3.1-8b bf16 decode at 1024 context) on h100-sxm (and on h200, a100-80gb) is above weight bytes / HBM bandwidth (4.79 ms on h100) and within 1.6x of it', () => {
    for (const gpu of [h100, h200, a100]) {
      const t = createRooflineStepTime(shapeOf(llama8b, gpu, 1)).stepTime(decodeBatch(1, 1024));
      const bound = weightBytes(llama8b, 'bf16') / (gpu.hbmTBps * 1e12);
      console.log(
        `llama-3.1-8b bf16 TP1 on ${gpu.id}: one-sequence decode step ${(t.stepSeconds * 1e3).toFixed(2)} ms ` +
          `(weights / HBM bandwidth ${(bound * 1e3).toFixed(2)} ms, ratio ${(t.stepSeconds / bound).toFixed(2)})`,
      );
      expect(t.stepSeconds, `${gpu.id}: step ${t.stepSeconds} s vs bound ${bound} s`).toBeGreaterThan(bound);
      expect(t.stepSeconds, `${gpu.id}: step ${t.stepSeconds} s, expected below 1.6 x ${bound} s`).toBeLessThan(1.6 * bound);
      expect(t.bound).toBe('memory');
    }
  });

  it('stepTime(a 4096-token prefill of llama-3.1-8b) is compute-bound and at least 2 x params x tokens / peak FLOP/s', () => {
    const t = createRooflineStepTime(shapeOf(llama8b, h100, 1)).stepTime({
      prefillTokens: 4096,
      prefillSeqs: 1,
      prefillAttentionPairs: (4096 * 4097) / 2,
      prefillContextTokens: 0,
      decodeSeqs: 0,
      decodeContextTokens: 0,
    });
    const params = weightBytes(llama8b, 'bf16') / 2 - 2 * lmHeadParams(llama8b);
    const bound = (2 * params * 4096) / (h100.bf16Tflops * 1e12);
    expect(t.bound).toBe('compute');
    expect(t.stepSeconds, `step ${t.stepSeconds} vs compute bound ${bound}`).toBeGreaterThan(bound);
  });

  it('stepTime at PP 1 has stageSeconds == stepSeconds == layers x per-layer parts + head + overhead; at PP 2 stages overlap', () => {
    const batch = decodeBatch(32, 2048);
    const t = createRooflineStepTime(shapeOf(llama70b, h100, 4)).stepTime(batch);
    const sum = t.layers * (t.perLayer.linearSeconds + t.perLayer.attentionSeconds + t.perLayer.communicationSeconds) + t.headSeconds + t.overheadSeconds;
    expect(t.pipelineSeconds).toBe(0);
    expect(t.stageSeconds).toBe(t.stepSeconds);
    expect(Math.abs(t.stepSeconds - sum) / sum, `step ${t.stepSeconds} vs parts ${sum}`).toBeLessThan(1e-12);
    const t2 = createRooflineStepTime(shapeOf(llama70b, h100, 4, 'bf16', 2)).stepTime(batch);
    expect(t2.pipelineSeconds).toBeGreaterThan(0);
    expect(t2.stageSeconds).toBeLessThan(t2.stepSeconds);
    expect(t2.stepSeconds, 'PP2 step is the PP1 step plus the stage sends (same per-layer work per GPU halves the weights only)').toBeLessThan(
      2 * t.stepSeconds,
    );
  });

  it('work(one mixtral-8x7b decode) reads the attention, router and 2 of the 8 experts per layer, plus the LM head', () => {
    const model = createRooflineStepTime(shapeOf(mixtral, h100, 1));
    const w = model.work(decodeBatch(1, 100));
    const attention = 2 * 4096 * 4096 + 2 * 4096 * 8 * 128;
    const expected = 32 * (attention + 4096 * 8 + 2 * expertParams(mixtral)) * 2 + lmHeadParams(mixtral) * 2;
    expect(Math.abs(w.weightBytes / expected - 1), `observed ${w.weightBytes}, expected ${expected}`).toBeLessThan(1e-9);
    // With thousands of tokens every expert is touched: the whole MoE is read.
    const big = model.work({ ...decodeBatch(0, 0), prefillTokens: 4096, prefillSeqs: 1, prefillAttentionPairs: 4096 * 2048 });
    const all = 32 * (attention + 4096 * 8 + 8 * expertParams(mixtral)) * 2 + lmHeadParams(mixtral) * 2;
    expect(Math.abs(big.weightBytes / all - 1), `observed ${big.weightBytes}, expected ${all}`).toBeLessThan(1e-6);
  });

  it('smoothMax(a, b, p) is max(a, b) at p = Infinity, never below max(a, b), and at most 2^(1/p) x max', () => {
    expect(smoothMax(3, 2, Infinity)).toBe(3);
    expect(smoothMax(0, 0, 1.5)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e3, noNaN: true }), fc.double({ min: 0, max: 1e3, noNaN: true }), fc.double({ min: 1, max: 50, noNaN: true }), (a, b, p) => {
        const s = smoothMax(a, b, p);
        const hi = Math.max(a, b);
        return s >= hi * (1 - 1e-12) && s <= hi * Math.pow(2, 1 / p) * (1 + 1e-12);
      }),
    );
  });
});

describe('roofline step-time laws (fast-check)', () => {
  it('stepTime(decode) of a dense model is never below its weight bytes read per GPU / peak HBM bandwidth', () => {
    fc.assert(
      fc.property(arbitraryShape.filter((s) => s.model.experts === 0), arbitraryDecode, (s, batch) => {
        const t = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, s.weightDtype, s.pp, s.kvCacheDtype)).stepTime(batch);
        return t.stepSeconds >= denseWeightBytesReadPerRank(s.model, s.weightDtype, s.tp) / (s.gpu.hbmTBps * 1e12);
      }),
    );
  });

  it('stepTime(any batch) is never below the bytes and FLOPs work(batch) counts, at peak rates', () => {
    fc.assert(
      fc.property(arbitraryShape, arbitraryBatch, (s, batch) => {
        const model = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, s.weightDtype, s.pp, s.kvCacheDtype));
        const t = model.stepTime(batch);
        const w = model.work(batch);
        const peakFlops = Math.max(s.gpu.bf16Tflops, s.gpu.fp8Tflops) * 1e12;
        const bytes = w.weightBytes + w.kvBytes + w.activationBytes;
        return t.stepSeconds >= bytes / (s.gpu.hbmTBps * 1e12) && t.stepSeconds >= (w.linearFlops + w.otherFlops) / peakFlops;
      }),
    );
  });

  it('stepTime never grows when the GPU gets more HBM bandwidth (same calibration)', () => {
    fc.assert(
      fc.property(arbitraryShape, arbitraryBatch, fc.double({ min: 1, max: 4, noNaN: true }), (s, batch, factor) => {
        const calibration: StepTimeCalibration = defaultCalibration(s.gpu);
        const faster = { ...s.gpu, hbmTBps: s.gpu.hbmTBps * factor };
        const slow = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, s.weightDtype, s.pp, s.kvCacheDtype), calibration);
        const fast = createRooflineStepTime(shapeOf(s.model, faster, s.tp, s.weightDtype, s.pp, s.kvCacheDtype), calibration);
        return notAbove(fast.stepTime(batch).stepSeconds, slow.stepTime(batch).stepSeconds);
      }),
    );
  });

  it('stepTime never grows when the GPU gets more tensor FLOP/s (same calibration)', () => {
    fc.assert(
      fc.property(arbitraryShape, arbitraryBatch, fc.double({ min: 1, max: 4, noNaN: true }), (s, batch, factor) => {
        const calibration = defaultCalibration(s.gpu);
        const faster = { ...s.gpu, bf16Tflops: s.gpu.bf16Tflops * factor, fp8Tflops: s.gpu.fp8Tflops * factor };
        const slow = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, s.weightDtype, s.pp, s.kvCacheDtype), calibration);
        const fast = createRooflineStepTime(shapeOf(s.model, faster, s.tp, s.weightDtype, s.pp, s.kvCacheDtype), calibration);
        return notAbove(fast.stepTime(batch).stepSeconds, slow.stepTime(batch).stepSeconds);
      }),
    );
  });

  it('stepTime is monotone non-decreasing in decodeSeqs, decodeContextTokens and prefillTokens', () => {
    fc.assert(
      fc.property(arbitraryShape, arbitraryBatch, fc.integer({ min: 1, max: 4096 }), (s, batch, delta) => {
        const model = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, s.weightDtype, s.pp, s.kvCacheDtype));
        const base = model.stepTime(batch).stepSeconds;
        const moreSeqs = model.stepTime({ ...batch, decodeSeqs: batch.decodeSeqs + delta }).stepSeconds;
        const moreContext = model.stepTime({ ...batch, decodeContextTokens: batch.decodeContextTokens + delta }).stepSeconds;
        const morePrefill = model.stepTime({
          ...batch,
          prefillTokens: batch.prefillTokens + delta,
          prefillSeqs: Math.max(batch.prefillSeqs, 1),
        }).stepSeconds;
        return notAbove(base, moreSeqs) && notAbove(base, moreContext) && notAbove(base, morePrefill);
      }),
    );
  });

  it('stepTime has zero tensor-parallel communication at TP 1 and positive communication at TP > 1', () => {
    fc.assert(
      fc.property(arbitraryShape, arbitraryBatch, (s, batch) => {
        const t = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, s.weightDtype, s.pp, s.kvCacheDtype)).stepTime(batch);
        return s.tp === 1 ? t.perLayer.communicationSeconds === 0 : t.perLayer.communicationSeconds > 0;
      }),
    );
  });

  it('stepTime(decode) with fp8 weights is never slower than with bf16 weights', () => {
    fc.assert(
      fc.property(arbitraryShape, arbitraryDecode, (s, batch) => {
        const fp8 = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, 'fp8', s.pp, s.kvCacheDtype)).stepTime(batch);
        const bf16 = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, 'bf16', s.pp, s.kvCacheDtype)).stepTime(batch);
        return notAbove(fp8.stepSeconds, bf16.stepSeconds);
      }),
    );
  });

  it('stepTime returns finite, positive parts that add up to stepSeconds for any shape and batch', () => {
    fc.assert(
      fc.property(arbitraryShape, arbitraryBatch, (s, batch) => {
        const t = createRooflineStepTime(shapeOf(s.model, s.gpu, s.tp, s.weightDtype, s.pp, s.kvCacheDtype)).stepTime(batch);
        const parts =
          t.layers * (t.perLayer.linearSeconds + t.perLayer.attentionSeconds + t.perLayer.communicationSeconds) +
          t.headSeconds +
          t.pipelineSeconds +
          t.overheadSeconds;
        return (
          Number.isFinite(t.stepSeconds) &&
          t.perLayer.linearSeconds > 0 &&
          t.perLayer.attentionSeconds > 0 &&
          t.headSeconds > 0 &&
          Math.abs(parts - t.stepSeconds) <= 1e-12 * t.stepSeconds &&
          notAbove(t.stageSeconds, t.stepSeconds)
        );
      }),
    );
  });
});
