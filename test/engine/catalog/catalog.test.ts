import { describe, expect, it } from 'vitest';
import { FABRICS } from '../../../engine/catalog/fabrics.js';
import { GPUS } from '../../../engine/catalog/gpus.js';
import {
  fabricIds,
  findFabric,
  findGpu,
  findModel,
  gpuIds,
  modelIds,
} from '../../../engine/catalog/lookup.js';
import { MODELS } from '../../../engine/catalog/models.js';

const REQUIRED_GPU_IDS = ['a100-80gb', 'h100-sxm', 'h200', 'b200', 'l40s', 'mi300x'];
const REQUIRED_MODEL_IDS = [
  'llama-2-7b',
  'llama-2-70b',
  'llama-3.1-8b',
  'llama-3.1-70b',
  'llama-3.1-405b',
  'mixtral-8x7b',
  'qwen2.5-72b',
  'deepseek-v3',
];
const REQUIRED_FABRIC_IDS = [
  'nvlink3',
  'nvlink4',
  'nvlink5',
  'infinity-fabric',
  'infiniband-ndr',
  'infiniband-xdr',
  'roce-400g',
  'pcie5',
];

const CATALOGS = [
  { name: 'GPUS', entries: GPUS, required: REQUIRED_GPU_IDS },
  { name: 'MODELS', entries: MODELS, required: REQUIRED_MODEL_IDS },
  { name: 'FABRICS', entries: FABRICS, required: REQUIRED_FABRIC_IDS },
] as const;

function expectPositiveFinite(label: string, value: number): void {
  expect(Number.isFinite(value) && value > 0, `${label} = ${value}, expected a finite number > 0`).toBe(true);
}

function expectPositiveInteger(label: string, value: number): void {
  expect(Number.isInteger(value) && value > 0, `${label} = ${value}, expected an integer > 0`).toBe(true);
}

describe('catalog entries', () => {
  for (const { name, entries, required } of CATALOGS) {
    it(`${name} holds every required id`, () => {
      const ids = new Set(entries.map((entry) => entry.id));
      const missing = required.filter((id) => !ids.has(id));
      expect(missing, `${name} is missing ${missing.join(', ')}`).toEqual([]);
    });

    it(`${name} ids are unique`, () => {
      const ids = entries.map((entry) => entry.id);
      const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
      expect(duplicates, `${name} repeats ${duplicates.join(', ')}`).toEqual([]);
    });

    it(`${name} entries each cite a source with a name and a figure-by-figure reading`, () => {
      for (const entry of entries) {
        expect(entry.source.trim().length, `${entry.id}.source is too short to cite anything`).toBeGreaterThan(80);
        expect(entry.name.trim(), `${entry.id}.name`).not.toBe('');
      }
    });
  }

  it('GPUS figures are finite and positive, fp8Tflops is 0 only where the GPU has no FP8', () => {
    for (const gpu of GPUS) {
      expectPositiveFinite(`${gpu.id}.hbmGiB`, gpu.hbmGiB);
      expectPositiveFinite(`${gpu.id}.hbmTBps`, gpu.hbmTBps);
      expectPositiveFinite(`${gpu.id}.bf16Tflops`, gpu.bf16Tflops);
      expectPositiveFinite(`${gpu.id}.intraNodeGBps`, gpu.intraNodeGBps);
      expect(Number.isFinite(gpu.fp8Tflops) && gpu.fp8Tflops >= 0, `${gpu.id}.fp8Tflops`).toBe(true);
      if (gpu.id === 'a100-80gb') expect(gpu.fp8Tflops).toBe(0);
      else {
        // FP8 runs at twice the BF16 rate on every FP8 tensor core; a sparse figure read as dense
        // would be off by 2x. 2% slack: the L40S datasheet prints 362.05 BF16 next to 733 FP8.
        const ratio = gpu.fp8Tflops / (2 * gpu.bf16Tflops);
        expect(Math.abs(ratio - 1) <= 0.02, `${gpu.id}: fp8Tflops / (2 x bf16Tflops) = ${ratio}, expected 1 within 2%`).toBe(true);
      }
    }
  });

  it('GPUS intraNodeFabric names an intra-node fabric whose per-GPU bandwidth the GPU repeats', () => {
    for (const gpu of GPUS) {
      const fabric = findFabric(gpu.intraNodeFabric);
      expect(fabric, `${gpu.id}.intraNodeFabric '${gpu.intraNodeFabric}' is not a fabric id`).toBeDefined();
      expect(fabric?.scope, `${gpu.id}.intraNodeFabric`).toBe('intra-node');
      expect(gpu.intraNodeGBps, `${gpu.id}.intraNodeGBps vs ${gpu.intraNodeFabric}.GBpsPerGpu`).toBe(fabric?.GBpsPerGpu);
    }
  });

  it('MODELS shapes are positive integers and consistent (GQA groups divide, experts, dense layers)', () => {
    for (const m of MODELS) {
      for (const key of ['layers', 'hidden', 'heads', 'kvHeads', 'headDim', 'ffn', 'vocab', 'maxContext'] as const) {
        expectPositiveInteger(`${m.id}.${key}`, m[key]);
      }
      expectPositiveFinite(`${m.id}.publishedParamsB`, m.publishedParamsB);
      expect(m.heads % m.kvHeads, `${m.id}: kvHeads must divide heads`).toBe(0);
      expect(m.denseLayers >= 0 && m.denseLayers <= m.layers, `${m.id}.denseLayers`).toBe(true);
      expect(m.sharedExperts >= 0, `${m.id}.sharedExperts`).toBe(true);
      if (m.experts > 0) {
        expect(m.activeExperts > 0 && m.activeExperts <= m.experts, `${m.id}.activeExperts`).toBe(true);
        expectPositiveInteger(`${m.id}.expertFfn`, m.expertFfn);
      } else {
        expect([m.activeExperts, m.sharedExperts, m.denseLayers], `${m.id}: a dense model has no expert fields`).toEqual([0, 0, 0]);
      }
      if (m.attention.kind === 'gqa') {
        expect(m.heads * m.headDim, `${m.id}: heads x headDim`).toBe(m.hidden);
      } else {
        const { qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim } = m.attention;
        expect(qLoraRank >= 0 && Number.isInteger(qLoraRank), `${m.id}.qLoraRank`).toBe(true);
        for (const [key, value] of Object.entries({ kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim })) {
          expectPositiveInteger(`${m.id}.attention.${key}`, value);
        }
      }
    }
  });

  it('FABRICS figures are finite and positive, and scope follows kind', () => {
    for (const fabric of FABRICS) {
      expectPositiveFinite(`${fabric.id}.GBpsPerGpu`, fabric.GBpsPerGpu);
      expectPositiveFinite(`${fabric.id}.latencyUs`, fabric.latencyUs);
      const expectedScope = fabric.kind === 'infiniband' || fabric.kind === 'roce' ? 'inter-node' : 'intra-node';
      expect(fabric.scope, `${fabric.id}.scope`).toBe(expectedScope);
    }
  });
});

describe('catalog lookup', () => {
  it('findGpu(id), findModel(id), findFabric(id) return the entry with that id', () => {
    for (const gpu of GPUS) expect(findGpu(gpu.id)).toBe(gpu);
    for (const model of MODELS) expect(findModel(model.id)).toBe(model);
    for (const fabric of FABRICS) expect(findFabric(fabric.id)).toBe(fabric);
  });

  it('find*(id) returns undefined for an unknown id, including prototype keys', () => {
    for (const id of ['', 'h100', 'H100-SXM', '__proto__', 'constructor', 'toString']) {
      expect(findGpu(id), id).toBeUndefined();
      expect(findModel(id), id).toBeUndefined();
      expect(findFabric(id), id).toBeUndefined();
    }
  });

  it('gpuIds(), modelIds(), fabricIds() list every id once, sorted', () => {
    const cases = [
      [gpuIds(), GPUS],
      [modelIds(), MODELS],
      [fabricIds(), FABRICS],
    ] as const;
    for (const [ids, entries] of cases) {
      expect(ids).toEqual(entries.map((entry) => entry.id).sort());
      expect([...ids].sort()).toEqual(ids);
    }
  });

  it('gpuIds() returns a fresh array each call, so a caller cannot change the catalog', () => {
    const ids = gpuIds();
    ids.pop();
    expect(gpuIds()).toHaveLength(GPUS.length);
  });
});
