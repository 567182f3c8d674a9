import { describe, expect, it } from 'vitest';
import { findGpu, findModel } from '../../../engine/catalog/lookup.js';
import { weightBytes } from '../../../engine/catalog/model-arithmetic.js';
import { explainStepTime, formatStepTimeExplanation } from '../../../engine/step-time/explain-step-time.js';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`catalog has no ${what}`);
  return value;
}

const llama70b = must(findModel('llama-3.1-70b'), 'llama-3.1-70b');
const h100 = must(findGpu('h100-sxm'), 'h100-sxm');

describe('explainStepTime', () => {
  it('explainStepTime(llama-3.1-70b, h100-sxm, TP 4, 64 decode seqs at 1024 context) has every field, and its parts add up to stepSeconds at PP 1', () => {
    const e = explainStepTime({ model: llama70b, gpu: h100, tensorParallelSize: 4, prefillTokens: 0, decodeSeqs: 64, context: 1024 });
    console.log(formatStepTimeExplanation(e));
    for (const key of [
      'stepSeconds',
      'headSeconds',
      'overheadSeconds',
      'tokensPerSecond',
      'weightBytesPerGpu',
      'flopsPerStep',
      'bytesPerStep',
      'arithmeticIntensity',
      'rooflineLowerBoundSeconds',
    ] as const) {
      expect(Number.isFinite(e[key]) && e[key] > 0, `${key} = ${e[key]}`).toBe(true);
    }
    expect(e.layers).toBe(80);
    expect(e.bound).toBe('memory');
    expect(e.batch).toEqual({
      prefillTokens: 0,
      prefillSeqs: 0,
      prefillAttentionPairs: 0,
      prefillContextTokens: 0,
      decodeSeqs: 64,
      decodeContextTokens: 64 * 1024,
    });
    const parts =
      e.layers * (e.perLayer.linearSeconds + e.perLayer.attentionSeconds + e.perLayer.communicationSeconds) + e.headSeconds + e.overheadSeconds;
    expect(Math.abs(parts - e.stepSeconds) / e.stepSeconds, `parts ${parts} vs step ${e.stepSeconds}`).toBeLessThan(1e-12);
    expect(e.pipelineSeconds).toBe(0);
    expect(e.stageSeconds).toBe(e.stepSeconds);
    expect(e.weightBytesPerGpu).toBe(weightBytes(llama70b, 'bf16') / 4);
    expect(e.tokensPerSecond).toBeCloseTo(64 / e.stepSeconds, 9);
    expect(e.arithmeticIntensity).toBeCloseTo(e.flopsPerStep / e.bytesPerStep, 9);
    expect(e.rooflineLowerBoundSeconds, 'lower bound below the step').toBeLessThan(e.stepSeconds);
    expect(e.rooflineLowerBoundSeconds, 'lower bound at least the weights / HBM bandwidth').toBeGreaterThan(
      (weightBytes(llama70b, 'bf16') / 4 - 128256 * 8192 * 2 / 4) / (h100.hbmTBps * 1e12),
    );
    // The result is plain JSON data.
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('explainStepTime(prefillTokens = 2048) times one fresh prompt: 2048 x 2049 / 2 causal pairs after 0 cached tokens', () => {
    const e = explainStepTime({ model: llama70b, gpu: h100, tensorParallelSize: 8, prefillTokens: 2048, decodeSeqs: 0, context: 4096 });
    expect(e.batch.prefillAttentionPairs).toBe((2048 * 2049) / 2);
    expect(e.batch.prefillContextTokens).toBe(0);
    expect(e.batch.decodeContextTokens).toBe(0);
    expect(e.bound).toBe('compute');
    const later = explainStepTime({ model: llama70b, gpu: h100, tensorParallelSize: 8, prefillTokens: 2048, decodeSeqs: 0, context: 0, prefillContext: 4096 });
    expect(later.batch.prefillAttentionPairs).toBe(2048 * 4096 + (2048 * 2049) / 2);
    expect(later.stepSeconds).toBeGreaterThan(e.stepSeconds);
  });

  it('formatStepTimeExplanation(e) prints one line per part with its milliseconds and share of the step', () => {
    const e = explainStepTime({ model: llama70b, gpu: h100, tensorParallelSize: 4, pipelineParallelSize: 2, quantization: 'fp8', kvCacheDtype: 'fp8', prefillTokens: 512, decodeSeqs: 16, context: 4000 });
    const text = formatStepTimeExplanation(e);
    for (const part of ['linear', 'attention', 'all-reduce', 'head', 'pipeline', 'overhead', 'roofline lower bound']) {
      expect(text, `missing line for ${part}`).toMatch(new RegExp(`^\\s*${part}.*ms`, 'm'));
    }
    expect(text).toMatch(/%/);
    expect(e.pipelineSeconds).toBeGreaterThan(0);
  });

  it('explainStepTime rejects negative or fractional counts and an empty batch with a RangeError', () => {
    const base = { model: llama70b, gpu: h100, tensorParallelSize: 4, prefillTokens: 0, decodeSeqs: 1, context: 10 };
    expect(() => explainStepTime({ ...base, decodeSeqs: -1 })).toThrow(RangeError);
    expect(() => explainStepTime({ ...base, context: 1.5 })).toThrow(RangeError);
    expect(() => explainStepTime({ ...base, decodeSeqs: 0 })).toThrow(RangeError);
  });
});

describe('steptime and simulate agree on the same shape', () => {
  it.each([
    ['deepseek-v3', 'h200', 8],
    ['llama-3.1-70b', 'h100-sxm', 4],
    ['mixtral-8x7b', 'h100-sxm', 2],
  ])('%s on %s TP%i: the prefill and decode steps simulate() runs take what explainStepTime says', (modelId, gpuId, tp) => {
    const scenario = tinyScenario({
      model: modelId,
      cluster: { gpu: gpuId, nodes: 1, gpusPerNode: tp },
      serving: { tensorParallelSize: tp },
      stop: { requests: 1 },
      workload: { inputTokens: { dist: 'fixed', value: 700 }, outputTokens: { dist: 'fixed', value: 2 } },
    });
    const ends: number[] = [];
    simulate(scenario, undefined, { onArrival: (_s, _r, t) => ends.push(t), afterStep: (_r, t) => ends.push(t) });
    const first = ends[1]! - ends[0]!;
    const second = ends[2]! - ends[1]!;
    const question = { model: scenario.model, gpu: scenario.cluster.gpu, tensorParallelSize: tp, decodeSeqs: 0, context: 0 };
    expect(explainStepTime({ ...question, prefillTokens: 700 }).stepSeconds).toBeCloseTo(first, 12);
    // The decode step attends over the 700-token prompt plus the token it adds.
    expect(explainStepTime({ ...question, prefillTokens: 0, decodeSeqs: 1, context: 701 }).stepSeconds).toBeCloseTo(second, 12);
  });
});
