import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { busiestExpertShare } from '../../../engine/replica/replica-shape.js';
import { writtenScenario } from '../../helpers/tiny-scenario.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';

/**
 * Expert parallelism: an MoE model's experts dealt whole to GPUs. Within the TP group (vLLM
 * --enable-expert-parallel) it moves work between GPUs but not its amount; with data-parallel
 * attention each rank keeps its own requests and KV cache (for an MLA model, whose latent KV TP
 * would replicate on every rank, that multiplies the cache) and pays two all-to-alls per MoE layer.
 */
const scenario = (serving: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const v = validateScenario(
    writtenScenario({
      stop: { requests: 1500 },
      model: 'deepseek-v3',
      cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 8 },
      serving: { replicas: 1, ...serving },
      workload: { arrival: { process: 'poisson', rate: 20 }, inputTokens: { dist: 'lognormal', mean: 2000, sd: 1000 }, outputTokens: { dist: 'lognormal', mean: 400, sd: 200 } },
      ...extra,
    }),
    { file: 'ep.yaml', baseDir: process.cwd() },
  );
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.scenario;
};
const figures = (r: ReturnType<typeof simulate>) => JSON.stringify({ latency: r.latency, throughput: r.throughput, memory: r.memory });

describe('expert parallelism', () => {
  const tp8 = simulate(scenario({ tensorParallelSize: 8 }));

  it('inside the TP group with equally popular experts it changes nothing: the same work, dealt differently', () => {
    expect(figures(simulate(scenario({ tensorParallelSize: 8, expertParallelSize: 8 })))).toBe(figures(tp8));
  });

  it('skewed expert popularity makes the busiest GPU the step: TPOT grows with the skew', () => {
    const tpot = (skew: number) => simulate(scenario({ tensorParallelSize: 8, expertParallelSize: 8, expertSkew: skew })).latency.tpot.p50!;
    expect(tpot(0.5)).toBeGreaterThan(tpot(0));
    expect(tpot(1.5)).toBeGreaterThan(tpot(0.5));
    expect(busiestExpertShare(256, 8, 0)).toBeCloseTo(1 / 8, 12);
    expect(busiestExpertShare(256, 8, 1)).toBeGreaterThan(1 / 8);
  });

  it('data-parallel attention for an MLA model: eight ranks each with its own KV cache hold far more than TP8, and carry far more of the load', () => {
    const dp8 = simulate(scenario({ tensorParallelSize: 1, expertParallelSize: 8, dataParallelAttention: true }));
    const kvTotal = dp8.memory.kvTokensPerReplica * 8;
    console.log(`DeepSeek-V3 on 8 H200: TP8 ${tp8.memory.kvTokensPerReplica} KV tokens, ${tp8.throughput.outputTokensPerSecond.toFixed(0)} tok/s; DP8 EP8 ${kvTotal} KV tokens, ${dp8.throughput.outputTokensPerSecond.toFixed(0)} tok/s`);
    expect(dp8.utilization.perReplica).toHaveLength(8);
    expect(kvTotal).toBeGreaterThan(4 * tp8.memory.kvTokensPerReplica);
    // TP8 replicates the latent KV on every rank and runs out of it at this load (KV full): DP8 does not.
    expect(tp8.utilization.kvOccupancyPeak).toBeGreaterThan(0.99);
    expect(dp8.throughput.outputTokensPerSecond).toBeGreaterThan(1.5 * tp8.throughput.outputTokensPerSecond);
    // Each rank holds the non-expert weights whole and an eighth of the experts: more than TP8's eighth of everything.
    expect(dp8.memory.weightGiBPerGpu).toBeGreaterThan(tp8.memory.weightGiBPerGpu);
  });

  it("an EP group across two nodes dispatches over the NICs: each rank's decode is slower than in one node's", () => {
    const one = simulate(scenario({ tensorParallelSize: 1, expertParallelSize: 8, dataParallelAttention: true }, { workload: { arrival: { process: 'poisson', rate: 8 }, inputTokens: { dist: 'fixed', value: 1000 }, outputTokens: { dist: 'fixed', value: 200 } } }));
    const two = simulate(
      scenario(
        { tensorParallelSize: 1, expertParallelSize: 16, dataParallelAttention: true },
        { cluster: { gpu: 'h200', nodes: 2, gpusPerNode: 8, fabric: { interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 400 } } }, workload: { arrival: { process: 'poisson', rate: 16 }, inputTokens: { dist: 'fixed', value: 1000 }, outputTokens: { dist: 'fixed', value: 200 } } },
      ),
    );
    expect(two.latency.tpot.p50!).toBeGreaterThan(one.latency.tpot.p50!);
    // Across nodes the dispatches run on the flow network too: ranks stepping together share
    // their NICs, so each waits a little beyond the closed form (the coupling the fabric shows).
    expect(two.fabric!.hottest[0]!.traffic[0]!.tag).toBe('ep-all-to-all');
    expect(two.fabric!.engines.some((e) => e.stretchSeconds > 0)).toBe(true);
    const closed = simulate(two.scenario, NO_WORKLOAD_DATA, { fabric: 'off' });
    expect(two.latency.tpot.p50!).toBeGreaterThanOrEqual(closed.latency.tpot.p50!);
  });

  it('a GPU failure takes its whole EP group down: every data-parallel rank of the replica', () => {
    const r = simulate(scenario({ tensorParallelSize: 1, expertParallelSize: 8, dataParallelAttention: true }, { failures: [{ kind: 'gpu', at: '20s', target: 3 }] }));
    expect(r.survival!.failures[0]!.engines).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses what it cannot mean', () => {
    const issues = (serving: Record<string, unknown>, model = 'deepseek-v3') => {
      const v = validateScenario(writtenScenario({ model, cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 8 }, serving: { replicas: 1, ...serving } }), { file: 'ep.yaml', baseDir: process.cwd() });
      return v.ok ? '' : v.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    expect(issues({ tensorParallelSize: 8, expertParallelSize: 8 }, 'llama-3.1-70b')).toMatch(/serving\.expertParallelSize: expected 1 for llama-3\.1-70b, a dense model/);
    expect(issues({ tensorParallelSize: 8, expertParallelSize: 4 })).toMatch(/expected 8, the tensor-parallel size/);
    expect(issues({ tensorParallelSize: 1, dataParallelAttention: true })).toMatch(/serving\.dataParallelAttention: expected serving\.expertParallelSize above 1/);
    expect(issues({ tensorParallelSize: 1, expertParallelSize: 3, dataParallelAttention: true })).toMatch(/expected a divisor of deepseek-v3's 256 experts, got 3/);
  });
});
