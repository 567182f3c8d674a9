import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFabric, findGpu, findModel } from '../../../engine/catalog/lookup.js';
import { totalParams } from '../../../engine/catalog/model-arithmetic.js';
import type { WrittenScenario } from '../../../engine/scenario/scenario-schema.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';

const opts = { file: 'scenarios/x.yaml', baseDir: '/work/scenarios' };

/** The DESIGN.md example, written as a user would. */
const designExample = {
  name: 'llama-3.1-70b-chat',
  seed: 42,
  stop: { requests: 20000 },
  model: 'llama-3.1-70b',
  cluster: {
    gpu: 'h100-sxm',
    nodes: 2,
    gpusPerNode: 8,
    fabric: { intraNode: 'nvlink4', interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 400, oversubscription: 1 } },
  },
  serving: {
    tensorParallelSize: 4,
    pipelineParallelSize: 1,
    scheduler: 'continuous',
    maxNumSeqs: 256,
    maxNumBatchedTokens: 8192,
    enableChunkedPrefill: true,
    blockSize: 16,
    gpuMemoryUtilization: 0.9,
    quantization: 'fp8',
    kvCacheDtype: 'auto',
    router: 'least-outstanding',
  },
  workload: {
    arrival: { process: 'poisson', rate: 12 },
    inputTokens: { dist: 'lognormal', mean: 1024, sd: 512 },
    outputTokens: { dist: 'lognormal', mean: 256, sd: 128 },
  },
  slo: { ttftP99: '2s', tpotP99: '100ms' },
} satisfies WrittenScenario;

function valid(raw: unknown, options = opts) {
  const result = validateScenario(raw, options);
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2));
  return result.scenario;
}

const minimal = {
  name: 'minimal',
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm' },
  workload: {
    arrival: { process: 'poisson', rate: 5 },
    inputTokens: { dist: 'fixed', value: 512 },
    outputTokens: { dist: 'fixed', value: 128 },
  },
} satisfies WrittenScenario;

describe('validateScenario(raw, { file, baseDir })', () => {
  it('validateScenario normalizes the DESIGN.md example: replicas default, auto KV dtype -> bf16, durations in seconds, specs resolved', () => {
    const s = valid(designExample);
    expect(s.serving.replicas).toBe(4); // 2 nodes x 8 GPUs / TP4
    expect(s.serving.kvCacheDtype).toBe('bf16');
    expect(s.serving.quantization).toBe('fp8');
    expect(s.slo).toEqual({ ttftP99: 2, tpotP99: 0.1 });
    expect(s.model).toEqual(findModel('llama-3.1-70b'));
    expect(s.cluster.gpu).toEqual(findGpu('h100-sxm'));
    expect(s.cluster.fabric.intraNode).toEqual(findFabric('nvlink4'));
    expect(s.cluster.fabric.interNode).toEqual({ fabric: findFabric('infiniband-ndr'), gbpsPerGpu: 400, oversubscription: 1 });
    expect(s.stop).toEqual({ requests: 20000, duration: null });
    expect(s.description).toBe('');
    expect(s.limits).toEqual({ eventBudget: 2e8, maxInSystem: 1e6 });
    expect(s.serving.maxModelLen).toBe(131072);
  });

  it('validateScenario fills every default of a minimal scenario the vLLM way', () => {
    const s = valid(minimal);
    expect(s.seed).toBe(0);
    expect(s.stop).toEqual({ requests: 10000, duration: null });
    expect(s.cluster).toMatchObject({ nodes: 1, gpusPerNode: 8 });
    expect(s.cluster.fabric).toEqual({ intraNode: findFabric('nvlink4'), interNode: null });
    expect(s.serving).toEqual({
      tensorParallelSize: 1,
      pipelineParallelSize: 1,
      replicas: 8,
      scheduler: 'continuous',
      maxNumSeqs: 1024,
      maxNumBatchedTokens: 8192,
      enableChunkedPrefill: true,
      blockSize: 16,
      gpuMemoryUtilization: 0.9,
      quantization: 'bf16',
      kvCacheDtype: 'bf16',
      router: 'least-outstanding',
      routing: { refreshSeconds: 0, overlapWeight: 1, prefixTokens: 1024, fallbackOutstanding: 1024 },
      enablePrefixCaching: true,
      maxModelLen: 131072,
      frontendOverhead: { perRequest: 0.033, perOutputToken: 0 },
      disaggregation: null,
      maxQueuedRequests: null,
      expertParallelSize: 1,
      dataParallelAttention: false,
      expertSkew: 0,
      coldStart: false,
    });
    expect(s.slo).toBeNull();
  });

  it('validateScenario keys the normalized scenario in the contract order (stable JSON)', () => {
    expect(Object.keys(valid(minimal))).toEqual([
      'name', 'description', 'seed', 'stop', 'model', 'cluster', 'serving', 'workload', 'slo', 'checks', 'limits', 'calibration', 'cost', 'failures', 'recovery', 'autoscaling', 'clients',
    ]);
  });

  it('validateScenario converts every duration to seconds (stop.duration, thinkTime, slo)', () => {
    const s = valid({
      ...minimal,
      stop: { duration: '10m' },
      workload: { ...minimal.workload, arrival: { process: 'closed', concurrency: 8, thinkTime: '250ms' } },
      slo: { e2eP50: '1h', queueWaitMean: 3, itlP95: '20ms' },
    });
    expect(s.stop).toEqual({ requests: null, duration: 600 });
    expect(s.workload.arrival).toEqual({ process: 'closed', concurrency: 8, thinkTime: 0.25 });
    expect(s.slo).toEqual({ e2eP50: 3600, queueWaitMean: 3, itlP95: 0.02 });
  });

  it.each([
    ['h100-sxm', 8192, 1024],
    ['h200', 8192, 1024],
    ['mi300x', 8192, 1024],
    ['b200', 8192, 1024],
    ['a100-80gb', 2048, 256],
    ['l40s', 2048, 256],
  ])("validateScenario takes vLLM V1's `vllm serve` batch defaults by GPU: %s -> maxNumBatchedTokens %i, maxNumSeqs %i", (gpu, tokens, seqs) => {
    const s = valid({ ...minimal, cluster: { gpu } });
    expect(s.serving.maxNumBatchedTokens).toBe(tokens);
    expect(s.serving.maxNumSeqs).toBe(seqs);
  });

  it('validateScenario keeps a written maxNumSeqs or maxNumBatchedTokens, and caps the default maxNumSeqs at the token budget', () => {
    expect(valid({ ...minimal, serving: { maxNumSeqs: 64 } }).serving).toMatchObject({ maxNumSeqs: 64, maxNumBatchedTokens: 8192 });
    expect(valid({ ...minimal, serving: { maxNumBatchedTokens: 512 } }).serving).toMatchObject({ maxNumSeqs: 512, maxNumBatchedTokens: 512 });
  });

  it('validateScenario defaults maxNumBatchedTokens to max(8192, maxModelLen) without chunked prefill', () => {
    const s = valid({ ...minimal, serving: { enableChunkedPrefill: false, maxModelLen: 16384 } });
    expect(s.serving.maxNumBatchedTokens).toBe(16384);
    const short = valid({ ...minimal, serving: { enableChunkedPrefill: false, maxModelLen: 4096 } });
    expect(short.serving.maxNumBatchedTokens).toBe(8192);
  });

  it("validateScenario defaults quantization to the model's checkpoint dtype and maxModelLen to min(maxContext, 131072)", () => {
    const s = valid({
      ...minimal,
      model: 'deepseek-v3',
      cluster: { gpu: 'h200', gpusPerNode: 8 },
      serving: { tensorParallelSize: 8 },
    });
    expect(s.serving.quantization).toBe('fp8');
    expect(s.serving.maxModelLen).toBe(131072);
    expect(s.serving.replicas).toBe(1);
    const llama2 = valid({ ...minimal, model: 'llama-2-7b' });
    expect(llama2.serving.maxModelLen).toBe(4096);
  });

  it('validateScenario defaults the inter-node bandwidth to the fabric rate in Gb/s and oversubscription to 1', () => {
    const s = valid({ ...minimal, cluster: { gpu: 'h100-sxm', nodes: 2, fabric: { interNode: { kind: 'roce-400g' } } } });
    expect(s.cluster.fabric.interNode).toEqual({ fabric: findFabric('roce-400g'), gbpsPerGpu: 400, oversubscription: 1 });
    expect(s.serving.replicas).toBe(16);
  });

  it('validateScenario resolves trace and empirical files against baseDir and keeps absolute paths as they are', () => {
    const s = valid({
      ...minimal,
      workload: {
        arrival: { process: 'trace', file: 'traces/day.csv' },
        inputTokens: { dist: 'empirical', file: '/data/in.csv' },
      },
    });
    expect(s.workload.arrival).toEqual({ process: 'trace', file: resolve('/work/scenarios', 'traces/day.csv'), timeScale: 1 });
    expect(s.workload.inputTokens).toEqual({ dist: 'empirical', file: '/data/in.csv' });
    // A trace needs no lengths: the unused placeholder is fixed 1.
    expect(s.workload.outputTokens).toEqual({ dist: 'fixed', value: 1 });
  });

  it('validateScenario accepts a trace with no stop (the trace ends by itself)', () => {
    const s = valid({ ...minimal, stop: {}, workload: { arrival: { process: 'trace', file: 't.csv', timeScale: 2 } } });
    expect(s.stop).toEqual({ requests: null, duration: null });
  });

  it('validateScenario builds an inline model named custom with its defaults and computed size', () => {
    const s = valid({
      ...minimal,
      model: { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 128256, maxContext: 8192 },
    });
    expect(s.model).toMatchObject({
      id: 'custom',
      name: 'custom',
      headDim: 128,
      experts: 0,
      activeExperts: 0,
      expertFfn: 0,
      gatedMlp: true,
      tiedEmbeddings: false,
      attention: { kind: 'gqa' },
      weightDtype: 'bf16',
    });
    // Same architecture as the catalog's Llama-3.1-8B, so the same parameter count.
    const llama = findModel('llama-3.1-8b');
    expect(llama).toBeDefined();
    if (llama !== undefined) expect(s.model.publishedParamsB).toBeCloseTo(totalParams(llama) / 1e9, 9);
    expect(s.serving.maxModelLen).toBe(8192);
  });

  it('validateScenario builds an inline GPU named custom with the PCIe 5 fabric unless told otherwise', () => {
    const s = valid({ ...minimal, cluster: { gpu: { hbmGiB: 96, hbmTBps: 4, bf16Tflops: 900 }, gpusPerNode: 4 } });
    expect(s.cluster.gpu).toMatchObject({
      id: 'custom',
      name: 'custom',
      hbmGiB: 96,
      fp8Tflops: 0,
      intraNodeFabric: 'pcie5',
      intraNodeGBps: findFabric('pcie5')?.GBpsPerGpu,
    });
    expect(s.cluster.fabric.intraNode).toEqual(findFabric('pcie5'));
    const named = valid({
      ...minimal,
      cluster: { gpu: { name: 'my-gpu', hbmGiB: 96, hbmTBps: 4, bf16Tflops: 900, intraNodeFabric: 'nvlink4', intraNodeGBps: 300 } },
    });
    expect(named.cluster.gpu).toMatchObject({ name: 'my-gpu', intraNodeFabric: 'nvlink4', intraNodeGBps: 300 });
  });

  it('validateScenario reports inline-architecture inconsistencies under model.<key>', () => {
    const result = validateScenario(
      { ...minimal, model: { layers: 2, hidden: 100, heads: 3, kvHeads: 2, ffn: 10, vocab: 10, experts: 4, activeExperts: 5 } },
      opts,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['model.kvHeads', 'expected a divisor of heads (3), got 2'],
      ['model.headDim', 'expected a head width (required: hidden 100 is not a multiple of heads 3), got nothing'],
      ['model.activeExperts', 'expected 1 to 4 (the experts each token is routed to), got 5'],
    ]);
  });

  it('validateScenario refuses a fabric of the wrong scope, naming the valid ones', () => {
    const result = validateScenario({ ...minimal, cluster: { gpu: 'h100-sxm', fabric: { interNode: { kind: 'nvlink4' } } } }, opts);
    expect(result).toMatchObject({
      ok: false,
      issues: [
        {
          path: ['cluster', 'fabric', 'interNode', 'kind'],
          message: expect.stringMatching(/^expected an inter-node fabric, one of infiniband-ndr, .*; got "nvlink4", an intra-node fabric$/),
        },
      ],
    });
  });

  it('validateScenario reports a missing required key with its path', () => {
    const { workload: _workload, ...noWorkload } = minimal;
    expect(validateScenario(noWorkload, opts)).toEqual({
      ok: false,
      issues: [{ file: opts.file, path: ['workload'], message: 'expected a map of keys (required), got nothing' }],
    });
  });

  it('validateScenario requires lengths unless the arrival is a trace', () => {
    const result = validateScenario({ ...minimal, workload: { arrival: { process: 'poisson', rate: 1 } } }, opts);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path.join('.'))).toEqual(['workload.inputTokens', 'workload.outputTokens']);
      expect(result.issues[0]?.message).toMatch(/required unless arrival is a trace/);
    }
  });

  it('validateScenario refuses stop {} for an open (poisson) and a closed workload, naming stop', () => {
    for (const arrival of [{ process: 'poisson', rate: 1 }, { process: 'closed', concurrency: 4 }]) {
      const result = validateScenario({ ...minimal, stop: {}, workload: { ...minimal.workload, arrival } }, opts);
      expect(result).toMatchObject({ ok: false, issues: [{ path: ['stop'], message: expect.stringMatching(/^expected requests or duration \(.*\), got neither$/) }] });
    }
  });

  it('validateScenario refuses slo {}: an SLO with no bound is met by every run and gates nothing', () => {
    const result = validateScenario({ ...minimal, slo: {} }, opts);
    expect(result).toMatchObject({ ok: false, issues: [{ path: ['slo'], message: expect.stringMatching(/^expected at least one bound .*got none/) }] });
  });

  it('validateScenario refuses a KV cache too small for one maxModelLen sequence, as vLLM does', () => {
    // Llama-3.1-70B at TP2 on H100: 66 GiB of weights per GPU leave a few GiB of KV, far below 131072 tokens.
    const result = validateScenario({ ...minimal, model: 'llama-3.1-70b', serving: { tensorParallelSize: 2 } }, opts);
    expect(result).toMatchObject({
      ok: false,
      issues: [
        {
          path: ['serving', 'maxModelLen'],
          message: expect.stringMatching(/^expected at most \d+ tokens, the KV cache one replica holds .*, got 131072; lower serving\.maxModelLen/),
        },
      ],
    });
    // With a shorter maxModelLen the same deployment is fine.
    expect(validateScenario({ ...minimal, model: 'llama-3.1-70b', serving: { tensorParallelSize: 2, maxModelLen: 8192 } }, opts).ok).toBe(true);
  });

  it('validateScenario enforces the vLLM scheduler rule maxNumBatchedTokens >= maxNumSeqs', () => {
    const result = validateScenario({ ...minimal, serving: { maxNumBatchedTokens: 128, maxNumSeqs: 256 } }, opts);
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: ['serving', 'maxNumBatchedTokens'], message: 'expected at least serving.maxNumSeqs (256), got 128' }],
    });
  });

  it('validateScenario refuses more replicas than the cluster holds', () => {
    const result = validateScenario({ ...minimal, serving: { tensorParallelSize: 2, replicas: 5 } }, opts);
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: ['serving', 'replicas'], message: 'expected at most 4 (8 GPUs / 2 GPUs per replica), got 5' }],
    });
  });

  it('validateScenario refuses a pipeline-parallel replica spanning nodes without an inter-node fabric', () => {
    const result = validateScenario({ ...minimal, cluster: { gpu: 'h100-sxm', nodes: 2 }, serving: { tensorParallelSize: 8, pipelineParallelSize: 2 } }, opts);
    expect(result).toMatchObject({ ok: false, issues: [{ path: ['cluster', 'fabric', 'interNode'] }] });
  });

  it('validateScenario never throws and always answers ok true or false, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }), (raw) => {
        const result = validateScenario(raw, opts);
        return result.ok === false && result.issues.length > 0;
      }),
    );
  });

  it('validateScenario never throws when one key of a valid scenario is replaced by anything', () => {
    const keys = ['name', 'seed', 'stop', 'model', 'cluster', 'serving', 'workload', 'slo', 'checks', 'limits'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), (key, value) => {
        const result = validateScenario({ ...minimal, [key]: value }, opts);
        return result.ok ? true : result.issues.every((i) => i.file === opts.file && typeof i.message === 'string' && !/Invalid input|Too big|Too small/.test(i.message));
      }),
    );
  });
});

describe('a bug inside the validator', () => {
  it('comes back as data marked internal (the CLI exits 3 for it, not 2)', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const result = validateScenario(hostile, opts);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ file: opts.file, path: [], message: expect.stringContaining('internal error while validating'), internal: true }]);
  });
});
