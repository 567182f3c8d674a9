import { describe, expect, it } from 'vitest';
import { kvBytesPerToken } from '../../../engine/catalog/model-arithmetic.js';
import { findFabric, findModel } from '../../../engine/catalog/lookup.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { calibrationFor } from '../../../engine/step-time/step-time-calibration.js';
import { findGpu } from '../../../engine/catalog/lookup.js';
import { writtenScenario } from '../../helpers/tiny-scenario.js';

/**
 * Prefill/decode disaggregation: a prefill pool computes each prompt, its KV moves to a decode
 * engine, which makes every output token. In a prefill-heavy workload this takes the prefill
 * chunks out of the decode steps (decode latency no longer stalls behind prompts), and pays for
 * the KV's move in every TTFT.
 */
const prefillHeavy = (serving: Record<string, unknown>, cluster: Record<string, unknown> = {}) => {
  const w = writtenScenario({
    stop: { requests: 2000 },
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8, ...cluster },
    serving,
    workload: { arrival: { process: 'poisson', rate: 12 }, inputTokens: { dist: 'lognormal', mean: 4000, sd: 2000 }, outputTokens: { dist: 'lognormal', mean: 200, sd: 100 } },
  });
  // The helper's defaults name serving.tensorParallelSize and replicas; a disaggregated scenario states them per pool.
  const sv = w.serving as Record<string, unknown>;
  if ('disaggregation' in serving) {
    delete sv.tensorParallelSize;
    delete sv.replicas;
  }
  const v = validateScenario(w, { file: 'pd.yaml', baseDir: process.cwd() });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.scenario;
};
const disaggregated = prefillHeavy({ disaggregation: { prefill: { replicas: 2 }, decode: { replicas: 2 } } });
const colocated = prefillHeavy({ tensorParallelSize: 1, replicas: 4 });
const pd = simulate(disaggregated);
const both = simulate(colocated);

describe('prefill/decode disaggregation', () => {
  it('every request is prefilled in the prefill pool and completed in the decode pool; the KV moves once each', () => {
    expect(pd.requests.completed).toBe(2000);
    const engines = pd.utilization.perReplica;
    expect(engines.map((e) => e.role)).toEqual(['prefill', 'prefill', 'decode', 'decode']);
    expect(engines.filter((e) => e.role === 'prefill').reduce((a, e) => a + e.completed, 0)).toBe(0);
    expect(engines.filter((e) => e.role === 'decode').reduce((a, e) => a + e.completed, 0)).toBe(2000);
    expect(pd.disaggregation!.kvTransfer.count).toBe(2000);
    expect(pd.disaggregation!.prefill).toMatchObject({ replicas: 2, tensorParallelSize: 1 });
  });

  it('takes prefill out of the decode steps: ITL p99 falls by far, TPOT p99 too', () => {
    console.log(`ITL p99 co-located ${(both.latency.itl.p99! * 1e3).toFixed(1)} ms, disaggregated ${(pd.latency.itl.p99! * 1e3).toFixed(1)} ms; TPOT p99 ${(both.latency.tpot.p99! * 1e3).toFixed(1)} vs ${(pd.latency.tpot.p99! * 1e3).toFixed(1)} ms`);
    expect(pd.latency.itl.p99!).toBeLessThan(both.latency.itl.p99! / 3);
    expect(pd.latency.tpot.p99!).toBeLessThan(both.latency.tpot.p99!);
  });

  it('pays for the move in TTFT: a decode step and the KV transfer come before the first token', () => {
    console.log(`TTFT p50 co-located ${(both.latency.ttft.p50! * 1e3).toFixed(1)} ms, disaggregated ${(pd.latency.ttft.p50! * 1e3).toFixed(1)} ms (KV hand-off mean ${(pd.disaggregation!.kvTransfer.mean! * 1e3).toFixed(2)} ms)`);
    expect(pd.latency.ttft.p50!).toBeGreaterThan(both.latency.ttft.p50!);
    expect(pd.latency.ttft.mean!).toBeGreaterThan(pd.disaggregation!.kvTransfer.mean!);
  });

  it('a transfer between nodes takes latency + KV bytes / (GPUs x NIC), exactly, when nothing else uses the link', () => {
    const fixed = writtenScenario({
      stop: { requests: 20 },
      cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 2, fabric: { interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 400 } } },
      serving: { disaggregation: { prefill: { replicas: 1, tensorParallelSize: 2 }, decode: { replicas: 1, tensorParallelSize: 2 } } },
      workload: { arrival: { process: 'poisson', rate: 0.5 }, inputTokens: { dist: 'fixed', value: 2048 }, outputTokens: { dist: 'fixed', value: 16 } },
    });
    delete (fixed.serving as Record<string, unknown>).tensorParallelSize;
    delete (fixed.serving as Record<string, unknown>).replicas;
    const v = validateScenario(fixed, { file: 'pd.yaml', baseDir: process.cwd() });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const r = simulate(v.scenario);
    const bytes = kvBytesPerToken(findModel('llama-3.1-8b')!, 'bf16') * 2048;
    const cal = calibrationFor(findGpu('h100-sxm')!, 'bf16').calibration;
    const expected = findFabric('infiniband-ndr')!.latencyUs * 1e-6 + bytes / 2 / (50e9 * cal.sendRecvBandwidthEfficiency);
    expect(r.disaggregation!.kvTransferGBPerRequest).toBeCloseTo(bytes / 1e9, 9);
    expect(r.disaggregation!.kvTransfer.mean!).toBeCloseTo(expected, 6);
  });

  it('is byte-identical run to run', () => {
    expect(JSON.stringify(simulate(disaggregated))).toBe(JSON.stringify(pd));
  });

  it('refuses what it cannot mean: a second statement of the shape, pools larger than the cluster, PP, pools across nodes without a fabric', () => {
    const issues = (serving: Record<string, unknown>, cluster: Record<string, unknown> = {}) => {
      const v = validateScenario(writtenScenario({ cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8, ...cluster }, serving }), { file: 'pd.yaml', baseDir: process.cwd() });
      return v.ok ? '' : v.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    const pools = { prefill: { replicas: 2 }, decode: { replicas: 2 } };
    expect(issues({ replicas: 4, disaggregation: pools })).toMatch(/serving\.replicas: expected no serving\.replicas beside serving\.disaggregation/);
    expect(issues({ tensorParallelSize: undefined, replicas: undefined, disaggregation: { prefill: { replicas: 4, tensorParallelSize: 2 }, decode: { replicas: 2 } } })).toMatch(
      /serving\.disaggregation: expected the pools to fit the cluster's 8 GPUs, got 4 prefill x TP2 \+ 2 decode x TP1 = 10 GPUs/,
    );
    expect(issues({ tensorParallelSize: undefined, replicas: undefined, pipelineParallelSize: 2, disaggregation: pools })).toMatch(/serving\.pipelineParallelSize: expected 1 with serving\.disaggregation/);
    expect(issues({ tensorParallelSize: undefined, replicas: undefined, disaggregation: pools }, { nodes: 2, gpusPerNode: 2 })).toMatch(/cluster\.fabric\.interNode: expected an inter-node fabric/);
    expect(issues({ tensorParallelSize: undefined, replicas: undefined, disaggregation: { prefill: { replicas: 1, tensorParallelSize: 3 }, decode: { replicas: 1 } } })).toMatch(
      /serving\.disaggregation\.prefill\.tensorParallelSize: prefill pool: expected a divisor of the 8 GPUs per node/,
    );
  });
});
