import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../engine/catalog/catalog-types.js';
import { findModel } from '../../../engine/catalog/lookup.js';
import {
  BYTES_PER_ELEMENT,
  activeParamsPerToken,
  attentionFlopsPerPair,
  attentionParamsPerLayer,
  denseLayerCount,
  embeddingParams,
  kvBytesPerToken,
  kvElementsPerTokenPerLayer,
  moeLayerCount,
  totalParams,
  weightBytes,
} from '../../../engine/catalog/model-arithmetic.js';
import { MODELS } from '../../../engine/catalog/models.js';

function model(id: string): ModelSpec {
  const m = findModel(id);
  if (!m) throw new Error(`catalog has no model '${id}'`);
  return m;
}

/** Asserts |observed - expected| / expected <= tolerance, printing all three on failure. */
function expectWithinRelative(label: string, observed: number, expected: number, tolerance: number): void {
  const relative = Math.abs(observed - expected) / expected;
  expect(
    relative <= tolerance,
    `${label}: observed ${observed.toPrecision(6)}, expected ${expected} within ${tolerance * 100}% (off by ${(relative * 100).toFixed(2)}%)`,
  ).toBe(true);
}

/** A GQA/MHA decoder with the given shape; the remaining fields are those of a dense model. */
const arbitraryGqaModel: fc.Arbitrary<ModelSpec> = fc
  .record({
    layers: fc.integer({ min: 1, max: 200 }),
    kvHeads: fc.integer({ min: 1, max: 16 }),
    group: fc.integer({ min: 1, max: 16 }),
    headDim: fc.constantFrom(64, 80, 96, 128, 256),
    ffn: fc.integer({ min: 1, max: 65536 }),
    vocab: fc.integer({ min: 1, max: 262144 }),
  })
  .map(({ layers, kvHeads, group, headDim, ffn, vocab }) => ({
    id: 'arbitrary',
    name: 'arbitrary',
    layers,
    hidden: kvHeads * group * headDim,
    heads: kvHeads * group,
    kvHeads,
    headDim,
    ffn,
    vocab,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 4096,
    publishedParamsB: 1,
    source: 'generated',
  }));

describe('model arithmetic on the catalog', () => {
  it('BYTES_PER_ELEMENT gives bf16 2, fp8 1, int4 0.5 bytes', () => {
    expect(BYTES_PER_ELEMENT).toEqual({ bf16: 2, fp8: 1, int4: 0.5 });
  });

  for (const m of MODELS) {
    it(`totalParams(${m.id}) is within 3% of the published ${m.publishedParamsB}B`, () => {
      expectWithinRelative(`totalParams(${m.id})`, totalParams(m) / 1e9, m.publishedParamsB, 0.03);
    });
  }

  it('totalParams(llama-3.1-8b) is 8.03B to three figures, the count the hub shows', () => {
    expect((totalParams(model('llama-3.1-8b')) / 1e9).toFixed(2)).toBe('8.03');
  });

  it('activeParamsPerToken(mixtral-8x7b) is 12.9B within 5%, as Mistral AI publishes', () => {
    expectWithinRelative('activeParamsPerToken(mixtral-8x7b)', activeParamsPerToken(model('mixtral-8x7b')) / 1e9, 12.9, 0.05);
  });

  it('activeParamsPerToken(deepseek-v3) is 37B within 5%, as DeepSeek publishes', () => {
    expectWithinRelative('activeParamsPerToken(deepseek-v3)', activeParamsPerToken(model('deepseek-v3')) / 1e9, 37, 0.05);
  });

  it('activeParamsPerToken(m) equals totalParams(m) for every dense model and is smaller for every MoE', () => {
    for (const m of MODELS) {
      if (m.experts === 0) expect(activeParamsPerToken(m), m.id).toBe(totalParams(m));
      else expect(activeParamsPerToken(m), m.id).toBeLessThan(totalParams(m));
    }
  });

  it('moeLayerCount and denseLayerCount split deepseek-v3 into 58 MoE and 3 dense layers, mixtral into 32 and 0', () => {
    expect([moeLayerCount(model('deepseek-v3')), denseLayerCount(model('deepseek-v3'))]).toEqual([58, 3]);
    expect([moeLayerCount(model('mixtral-8x7b')), denseLayerCount(model('mixtral-8x7b'))]).toEqual([32, 0]);
    expect([moeLayerCount(model('llama-3.1-70b')), denseLayerCount(model('llama-3.1-70b'))]).toEqual([0, 80]);
  });

  it('attentionParamsPerLayer(llama-3.1-8b) counts Q, K, V, O exactly: 4096x4096 + 2x4096x1024 + 4096x4096', () => {
    expect(attentionParamsPerLayer(model('llama-3.1-8b'))).toBe(4096 * 4096 + 2 * 4096 * 1024 + 4096 * 4096);
  });

  it('attentionParamsPerLayer(deepseek-v3) counts the MLA down- and up-projections exactly', () => {
    const expected =
      7168 * 1536 + // q_a_proj
      1536 * 128 * (128 + 64) + // q_b_proj
      7168 * (512 + 64) + // kv_a_proj_with_mqa
      512 * 128 * (128 + 128) + // kv_b_proj
      128 * 128 * 7168; // o_proj
    expect(attentionParamsPerLayer(model('deepseek-v3'))).toBe(expected);
  });

  it('attentionParamsPerLayer of an MLA model with qLoraRank 0 projects Q straight from hidden', () => {
    const v3 = model('deepseek-v3');
    if (v3.attention.kind !== 'mla') throw new Error('deepseek-v3 must be MLA');
    const noQLora: ModelSpec = { ...v3, attention: { ...v3.attention, qLoraRank: 0 } };
    const delta = attentionParamsPerLayer(v3) - attentionParamsPerLayer(noQLora);
    expect(delta).toBe(7168 * 1536 + 1536 * 128 * 192 - 7168 * 128 * 192);
  });

  it('kvBytesPerToken(llama-3.1-8b, bf16) is 131072 bytes (32 layers x 2 x 8 heads x 128 x 2 B)', () => {
    expect(kvBytesPerToken(model('llama-3.1-8b'), 'bf16')).toBe(131072);
  });

  it('kvBytesPerToken(llama-2-7b, bf16) is 524288 bytes (MHA: 32 layers x 2 x 32 heads x 128 x 2 B)', () => {
    expect(kvBytesPerToken(model('llama-2-7b'), 'bf16')).toBe(524288);
  });

  it('kvBytesPerToken(deepseek-v3, bf16) is 61 x 576 x 2 bytes (MLA latent 512 + rope key 64)', () => {
    expect(kvElementsPerTokenPerLayer(model('deepseek-v3'))).toBe(576);
    expect(kvBytesPerToken(model('deepseek-v3'), 'bf16')).toBe(61 * 576 * 2);
  });

  it('kvBytesPerToken(m, fp8) is exactly half of kvBytesPerToken(m, bf16) for every catalog model', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODELS), (m) => kvBytesPerToken(m, 'fp8') * 2 === kvBytesPerToken(m, 'bf16')),
    );
  });

  it('kvBytesPerToken(m, bf16) of any GQA model is 2 x layers x kvHeads x headDim x 2, the DESIGN formula', () => {
    fc.assert(
      fc.property(arbitraryGqaModel, (m) => kvBytesPerToken(m, 'bf16') === 2 * m.layers * m.kvHeads * m.headDim * 2),
    );
  });

  it('totalParams of any dense GQA model is layers x (attention + MLP) + embeddings, and active equals total', () => {
    fc.assert(
      fc.property(arbitraryGqaModel, (m) => {
        const attention = 2 * m.hidden * m.hidden + 2 * m.hidden * m.kvHeads * m.headDim;
        const expected = m.layers * (attention + 3 * m.hidden * m.ffn) + 2 * m.vocab * m.hidden;
        return totalParams(m) === expected && activeParamsPerToken(m) === expected;
      }),
    );
  });

  it('weightBytes(m, bf16) is totalParams(m) x 2 for every catalog model', () => {
    for (const m of MODELS) expect(weightBytes(m, 'bf16'), m.id).toBe(totalParams(m) * 2);
  });

  it('weightBytes(m, fp8 | int4) keeps the embeddings and LM head at 2 bytes and quantizes the rest', () => {
    for (const m of MODELS) {
      const rest = totalParams(m) - embeddingParams(m);
      expect(weightBytes(m, 'fp8'), m.id).toBe(rest * 1 + embeddingParams(m) * 2);
      expect(weightBytes(m, 'int4'), m.id).toBe(rest * 0.5 + embeddingParams(m) * 2);
    }
  });

  it('attentionFlopsPerPair(llama-3.1-8b) is 2 x 32 heads x 128 x 2 = 16384 (QK^T and AV)', () => {
    expect(attentionFlopsPerPair(model('llama-3.1-8b'))).toBe(16384);
  });

  it('attentionFlopsPerPair(deepseek-v3) is 2 x 128 x 192 + 2 x 128 x 128 (expanded MLA)', () => {
    expect(attentionFlopsPerPair(model('deepseek-v3'))).toBe(2 * 128 * 192 + 2 * 128 * 128);
  });
});
