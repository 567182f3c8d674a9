import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFabric, findGpu, findModel } from '../../../engine/catalog/lookup.js';
import {
  activeParamsPerToken,
  attentionParamsPerLayer,
  denseMlpParams,
  expertParams,
  kvBytesPerToken,
  lmHeadParams,
  routerParamsPerLayer,
} from '../../../engine/catalog/model-arithmetic.js';
import { createRooflineStepTime } from '../../../engine/step-time/roofline-step-time.js';
import type { StepBatch } from '../../../engine/step-time/step-time-model.js';

/**
 * Mixture-of-experts physics: a decode step of B tokens reads only the experts its tokens are routed
 * to (B tokens, k of E experts each, routed uniformly: E(1 - (1 - k/E)^B) distinct experts in
 * expectation), always the shared experts, the router and the dense layers; it multiplies only the
 * active parameters. DeepSeek-V3's MLA caches one latent per token and layer.
 */

function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`catalog has no ${what}`);
  return v;
}
const deepseek = must(findModel('deepseek-v3'), 'deepseek-v3');
const mixtral = must(findModel('mixtral-8x7b'), 'mixtral-8x7b');
const h200 = must(findGpu('h200'), 'h200');
const nvlink4 = must(findFabric('nvlink4'), 'nvlink4');

const decode = (seqs: number, context: number): StepBatch => ({
  prefillTokens: 0,
  prefillSeqs: 0,
  prefillAttentionPairs: 0,
  prefillContextTokens: 0,
  decodeSeqs: seqs,
  decodeContextTokens: seqs * context,
});

const modelAt = (m: typeof deepseek, tp = 1) =>
  createRooflineStepTime({ model: m, gpu: h200, tensorParallelSize: tp, pipelineParallelSize: 1, weightDtype: 'fp8', kvCacheDtype: 'bf16', tensorParallelFabric: nvlink4 });

describe('MoE decode reads the experts the batch touches', () => {
  it.each([
    ['deepseek-v3', deepseek],
    ['mixtral-8x7b', mixtral],
  ] as const)('%s at TP1: weight bytes of a B-token decode step = dense layers + MoE layers with E(1 - (1 - k/E)^B) routed experts (property over B)', (_id, m) => {
    const step = modelAt(m);
    const moeLayers = m.layers - m.denseLayers;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2048 }), (B) => {
        const touched = m.experts * (1 - Math.pow(1 - m.activeExperts / m.experts, B));
        const perMoeLayer = attentionParamsPerLayer(m) + routerParamsPerLayer(m) + (m.sharedExperts + touched) * expertParams(m);
        const perDenseLayer = attentionParamsPerLayer(m) + denseMlpParams(m);
        // fp8 weights: 1 byte each; the LM head stays bf16.
        const expected = m.denseLayers * perDenseLayer + moeLayers * perMoeLayer + 2 * lmHeadParams(m);
        const got = step.work(decode(B, 512)).weightBytes;
        return Math.abs(got / expected - 1) < 1e-9;
      }),
    );
  });

  it('deepseek-v3: one token reads its 8 routed + 1 shared experts per MoE layer, not all 257 (about 5% of the expert weights)', () => {
    const one = modelAt(deepseek).work(decode(1, 512)).weightBytes;
    const all = modelAt(deepseek).work(decode(100_000, 512)).weightBytes;
    expect(one / all).toBeLessThan(0.1);
    // A batch of 256 touches 1 - (1 - 8/256)^256 = 99.97% of the experts: a whole-model read.
    expect(modelAt(deepseek).work(decode(256, 512)).weightBytes / all).toBeGreaterThan(0.999);
  });

  it('deepseek-v3: linear FLOPs per token are 2 x the active parameters (37B published) less the embedding lookup and the LM head', () => {
    const w = modelAt(deepseek).work(decode(1, 512));
    const active = activeParamsPerToken(deepseek) - 2 * lmHeadParams(deepseek);
    expect(Math.abs(w.linearFlops / (2 * active) - 1)).toBeLessThan(1e-9);
    expect(activeParamsPerToken(deepseek) / 1e9).toBeGreaterThan(36);
    expect(activeParamsPerToken(deepseek) / 1e9).toBeLessThan(39);
  });

  it('deepseek-v3: MLA caches 61 layers x (512 latent + 64 rotary) elements per token: 70,272 bytes in bf16 (DeepSeek-V2 paper, section 2.1.2)', () => {
    expect(kvBytesPerToken(deepseek, 'bf16')).toBe(61 * (512 + 64) * 2);
  });
});

describe('MoE decode against published serving runs (not in shared/data; cited)', () => {
  // SemiAnalysisAI/InferenceX issue #870 (2026-03-05, "experimental"): DeepSeek-R1 (the V3
  // architecture) FP8, SGLang v0.5.7, 8 x H200, TP8, random 1024 in / 1024 out; mean TPOT at
  // concurrency 8 / 16 / 32 / 64. Compared with one decode step at the concurrency's mean context
  // (1024 + 512). H200 constants are the H100 fit's (uncalibrated for H200), the engine is SGLang,
  // and TPOT there includes prefill interference, so the bound is 15%.
  it.each([
    [8, 12.8],
    [16, 17.2],
    [32, 25.6],
    [64, 34.6],
  ])('DeepSeek-V3 on 8 x H200 TP8 at %i sequences: step time within 15%% of the published %f ms TPOT', (seqs, tpotMs) => {
    const step = modelAt(deepseek, 8).stepTime(decode(seqs, 1536)).stepSeconds * 1e3;
    console.log(`DeepSeek-V3 8 x H200 TP8, ${seqs} seqs: simulated ${step.toFixed(1)} ms vs published ${tpotMs} ms TPOT`);
    expect(Math.abs(step / tpotMs - 1)).toBeLessThan(0.15);
  });
});
