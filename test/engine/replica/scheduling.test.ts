import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engine/simulate.js';
import type { StepBatch } from '../../../engine/step-time/step-time-model.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

const steps = (scenario: ReturnType<typeof tinyScenario>) => {
  const seen: (StepBatch & { time: number; running: number; decoding: number })[] = [];
  const result = simulate(scenario, undefined, {
    afterStep: (replica, time, batch) => seen.push({ ...batch, time, running: replica.running.length, decoding: replica.decoding.count }),
  });
  return { result, seen };
};

describe('continuous batching (vLLM-style)', () => {
  it('chunked prefill splits an 8,000-token prompt into ceil(8000 / 512) = 16 steps before the first token', () => {
    const { result, seen } = steps(
      tinyScenario({
        stop: { requests: 1 },
        serving: { maxNumBatchedTokens: 512, maxNumSeqs: 8, maxModelLen: 16384, enableChunkedPrefill: true },
        workload: { inputTokens: { dist: 'fixed', value: 8000 }, outputTokens: { dist: 'fixed', value: 4 } },
      }),
    );
    const prefillSteps = seen.filter((s) => s.prefillTokens > 0);
    expect(prefillSteps.map((s) => s.prefillTokens)).toEqual([...Array(15).fill(512), 8000 - 15 * 512]);
    expect(result.latency.ttft.count).toBe(1);
    // Then 3 decode steps for the remaining 3 tokens.
    expect(seen.filter((s) => s.decodeSeqs > 0)).toHaveLength(3);
  });

  it('with chunked prefill every step decodes every decoding sequence (decode-first)', () => {
    const { seen } = steps(
      tinyScenario({
        stop: { requests: 400 },
        serving: { maxNumBatchedTokens: 1024, maxNumSeqs: 64, enableChunkedPrefill: true },
        workload: { arrival: { process: 'poisson', rate: 20 }, inputTokens: { dist: 'uniform', min: 100, max: 3000 } },
      }),
    );
    // After a step, sequences still decoding were all in it, except those that just joined.
    for (let i = 1; i < seen.length; i++) {
      const before = seen[i - 1]!;
      expect(seen[i]!.decodeSeqs).toBe(before.decoding);
      expect(seen[i]!.prefillTokens + seen[i]!.decodeSeqs).toBeLessThanOrEqual(1024);
    }
  });

  it('without chunked prefill a step either prefills whole prompts or decodes, never both (vLLM V0)', () => {
    const { seen } = steps(
      tinyScenario({
        stop: { requests: 300 },
        serving: { maxNumBatchedTokens: 4096, maxNumSeqs: 32, enableChunkedPrefill: false },
        workload: { arrival: { process: 'poisson', rate: 10 }, inputTokens: { dist: 'uniform', min: 100, max: 3000 } },
      }),
    );
    for (const s of seen) expect(s.prefillTokens > 0 && s.decodeSeqs > 0).toBe(false);
    expect(seen.some((s) => s.prefillSeqs > 1)).toBe(true);
  });

  it('maxNumSeqs caps the running sequences of every step', () => {
    const { seen } = steps(
      tinyScenario({
        stop: { requests: 300 },
        serving: { maxNumSeqs: 5 },
        workload: { arrival: { process: 'poisson', rate: 50 } },
      }),
    );
    expect(Math.max(...seen.map((s) => s.running))).toBe(5);
  });

  it('preempts by recompute when KV runs out, counts it, and still completes every request', () => {
    const at = (gpuMemoryUtilization: number) =>
      tinyScenario({
        stop: { requests: 300 },
        serving: { maxNumSeqs: 64, maxNumBatchedTokens: 2048, maxModelLen: 2048, gpuMemoryUtilization },
        workload: {
          arrival: { process: 'poisson', rate: 30 },
          inputTokens: { dist: 'fixed', value: 300 },
          outputTokens: { dist: 'fixed', value: 300 },
        },
      });
    // 0.215 of an H100 leaves about 7,000 KV tokens for Llama-3.1-8B: 64 x 600 tokens do not fit.
    const r = simulate(at(0.215));
    expect(r.requests.preempted).toBeGreaterThan(0);
    expect(r.requests.completed).toBe(300);
    expect(r.utilization.kvOccupancyPeak).toBeGreaterThan(0.9);
    expect(simulate(at(0.9)).requests.preempted).toBe(0);
  });

  it('drops a request longer than maxModelLen at arrival, with its reason', () => {
    const r = simulate(
      tinyScenario({
        stop: { requests: 200 },
        serving: { maxModelLen: 1000 },
        workload: { inputTokens: { dist: 'uniform', min: 100, max: 1500 }, outputTokens: { dist: 'fixed', value: 10 } },
      }),
    );
    expect(r.requests.dropped).toBeGreaterThan(0);
    expect(r.requests.droppedByReason['exceeds-max-model-len']).toBe(r.requests.dropped);
    expect(r.requests.completed + r.requests.dropped).toBe(200);
  });
});

describe('static batching (baseline)', () => {
  it('admits a new batch only when the previous one has fully finished, and never preempts', () => {
    const { result, seen } = steps(
      tinyScenario({
        stop: { requests: 300 },
        serving: { scheduler: 'static', maxNumSeqs: 16 },
        workload: { arrival: { process: 'poisson', rate: 8 }, outputTokens: { dist: 'uniform', min: 10, max: 400 } },
      }),
    );
    // Running only shrinks between admissions; it grows only from 0.
    for (let i = 1; i < seen.length; i++) {
      if (seen[i]!.running > seen[i - 1]!.running) expect(seen[i - 1]!.running).toBe(0);
    }
    expect(result.requests.preempted).toBe(0);
    expect(result.requests.completed).toBe(300);
  });

  it('is slower end to end than continuous batching for the same load', () => {
    const at = (scheduler: string) =>
      simulate(
        tinyScenario({
          stop: { requests: 1000 },
          serving: { scheduler, maxNumSeqs: 32 },
          workload: { arrival: { process: 'poisson', rate: 6 }, outputTokens: { dist: 'uniform', min: 10, max: 500 } },
        }),
      ).latency.e2e.mean!;
    expect(at('static')).toBeGreaterThan(1.2 * at('continuous'));
  });
});

describe('pipeline parallelism', () => {
  const saturated = (tp: number, pp: number, replicas: number) =>
    simulate(
      tinyScenario({
        model: 'llama-3.1-70b',
        stop: { requests: 1500 },
        cluster: { gpusPerNode: 8 },
        serving: { tensorParallelSize: tp, pipelineParallelSize: pp, replicas, maxNumSeqs: 64 },
        workload: {
          arrival: { process: 'closed', concurrency: 256, thinkTime: 0 },
          inputTokens: { dist: 'fixed', value: 256 },
          outputTokens: { dist: 'fixed', value: 128 },
        },
      }),
    );

  it('a TP4 x PP2 replica runs one virtual engine per stage, each with its own batch (vLLM)', () => {
    const r = saturated(4, 2, 1);
    expect(r.utilization.perReplica.map((e) => [e.replica, e.engine])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(r.utilization.perReplica.every((e) => e.completed > 0)).toBe(true);
  });

  it('keeps both stages busy: TP4 x PP2 carries close to two TP4 replicas on the same 8 GPUs', () => {
    const pipelined = saturated(4, 2, 1).throughput.outputTokensPerSecond;
    const twoReplicas = saturated(4, 1, 2).throughput.outputTokensPerSecond;
    const ratio = pipelined / twoReplicas;
    // Below 1: each engine's step also pays the stage-to-stage sends, and KV is split in two.
    expect(ratio, `PP2 ${pipelined} tok/s vs 2 x TP4 ${twoReplicas} tok/s`).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThanOrEqual(1.05);
  });
});

describe('admission blocking (what kept waiting requests out)', () => {
  const blocked = (serving: Record<string, unknown>, rate: number) =>
    simulate(
      tinyScenario({
        stop: { requests: 600 },
        serving,
        workload: {
          arrival: { process: 'poisson', rate },
          inputTokens: { dist: 'fixed', value: 1000 },
          outputTokens: { dist: 'fixed', value: 200 },
        },
      }),
    ).utilization.admissionBlocked;
  const top = (b: Record<string, number>) => Object.entries(b).sort((x, y) => y[1] - x[1])[0]![0];

  it('names batchLimit when every maxNumSeqs slot is taken', () => {
    expect(top(blocked({ maxNumSeqs: 4 }, 20))).toBe('batchLimit');
  });

  it('names tokenBudget when the steps are full of tokens (small maxNumBatchedTokens, chunked prefill)', () => {
    expect(top(blocked({ maxNumSeqs: 256, maxNumBatchedTokens: 256 }, 20))).toBe('tokenBudget');
  });

  it('names kvMemory when KV blocks run short of the admission watermark', () => {
    expect(top(blocked({ maxNumSeqs: 256, gpuMemoryUtilization: 0.25, maxModelLen: 4096 }, 20))).toBe('kvMemory');
  });

  it('records nothing at a load the replica absorbs', () => {
    const b = blocked({}, 0.5);
    expect(b.batchLimit + b.tokenBudget + b.kvMemory).toBeLessThan(0.01);
  });
});
