import { describe, expect, it } from 'vitest';
import { analyzeFabric } from '../../../analyzers/fabric/analyze-fabric.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import type { Scenario } from '../../../engine/scenario/scenario-types.js';
import { simulate } from '../../../engine/simulate.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { writtenScenario } from '../../helpers/tiny-scenario.js';

/**
 * The fabric inside the engine: traffic that can meet other engines' runs on the flow network, and
 * a step lasts its closed-form time plus what its flows waited. So an idle fabric changes nothing,
 * a shared one couples engines, and the figures the fabric analysis reports follow.
 */
function scenario(overrides: Record<string, unknown>, dropShape = false): Scenario {
  const w = writtenScenario(overrides);
  if (dropShape) {
    delete (w.serving as Record<string, unknown>).tensorParallelSize;
    delete (w.serving as Record<string, unknown>).replicas;
  }
  const v = validateScenario(w, { file: 'fabric.yaml', baseDir: process.cwd() });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.scenario;
}
const twoNodes = (gbpsPerGpu = 400) => ({ gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, fabric: { intraNode: 'nvlink4', interNode: { kind: 'infiniband-ndr', gbpsPerGpu } } });
const withoutFabric = (r: object) => {
  const { fabric: _f, ...rest } = r as Record<string, unknown>;
  return JSON.stringify(rest);
};

describe('the fabric in the engine', () => {
  const tp16 = scenario({
    stop: { requests: 120 },
    model: 'llama-3.1-70b',
    cluster: twoNodes(),
    serving: { tensorParallelSize: 16, replicas: 1 },
    workload: { arrival: { process: 'poisson', rate: 2 }, inputTokens: { dist: 'fixed', value: 2048 }, outputTokens: { dist: 'fixed', value: 64 } },
  });

  it('with nothing else on its links, a TP16 replica across two nodes runs exactly its closed-form numbers', () => {
    const flows = simulate(tp16);
    const closed = simulate(tp16, NO_WORKLOAD_DATA, { fabric: 'off' });
    expect(flows.fabric).toBeDefined();
    expect(closed.fabric).toBeUndefined();
    expect(flows.fabric!.engines[0]!.stretchSeconds).toBe(0);
    // Same latencies, throughput and series; only the event count (the flows) and the fabric section differ.
    expect(JSON.stringify(flows.latency)).toBe(JSON.stringify(closed.latency));
    expect(JSON.stringify(flows.timeSeries)).toBe(JSON.stringify(closed.timeSeries));
    // Its all-reduces' inter-node share crossed the NICs.
    expect(flows.fabric!.linkLoads.some((l) => l.kind === 'nic-out' && l.utilizationMean > 0)).toBe(true);
  });

  it("putting every collective on the network ('all', the fabric analysis) changes no figure either", () => {
    const all = simulate(tp16, NO_WORKLOAD_DATA, { fabric: 'all' });
    expect(withoutFabric({ ...all, run: { ...all.run, events: 0 } })).toBe(withoutFabric({ ...simulate(tp16), run: { ...simulate(tp16).run, events: 0 } }));
    expect(all.fabric!.linkLoads.some((l) => l.kind === 'scale-up-out')).toBe(true);
  });

  it('doubling the inter-node bandwidth barely changes a PP2 deployment (activations are small): the negative control', () => {
    const pp2 = (gbps: number) =>
      simulate(
        scenario({
          stop: { requests: 400 },
          model: 'llama-3.1-70b',
          cluster: twoNodes(gbps),
          serving: { tensorParallelSize: 8, pipelineParallelSize: 2, replicas: 1 },
          workload: { arrival: { process: 'poisson', rate: 3 }, inputTokens: { dist: 'lognormal', mean: 1500, sd: 800 }, outputTokens: { dist: 'lognormal', mean: 200, sd: 100 } },
        }),
      );
    const slow = pp2(200);
    const fast = pp2(400);
    const change = Math.abs(fast.throughput.outputTokensPerSecond / slow.throughput.outputTokensPerSecond - 1);
    console.log(`PP2 across nodes: output tok/s ${slow.throughput.outputTokensPerSecond.toFixed(0)} at 200 Gb/s, ${fast.throughput.outputTokensPerSecond.toFixed(0)} at 400 Gb/s (${(100 * change).toFixed(2)}%)`);
    expect(change).toBeLessThan(0.02);
    expect(Math.abs(fast.latency.tpot.p50! / slow.latency.tpot.p50! - 1)).toBeLessThan(0.02);
  });

  describe('coupling: KV hand-offs landing on a decode group that spans nodes stretch its all-reduces', () => {
    // Prefill on node 0; one TP16 decode engine on nodes 1-2, whose all-reduces cross the same
    // NIC-in links the KV arrives on.
    const coupled = (rate: number) =>
      scenario(
        {
          stop: { requests: 300 },
          cluster: { gpu: 'h100-sxm', nodes: 3, gpusPerNode: 8, fabric: { intraNode: 'nvlink4', interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 100 } } },
          serving: { disaggregation: { prefill: { replicas: 8, tensorParallelSize: 1 }, decode: { replicas: 1, tensorParallelSize: 16 } } },
          workload: { arrival: { process: 'poisson', rate }, inputTokens: { dist: 'fixed', value: 8000 }, outputTokens: { dist: 'fixed', value: 128 } },
        },
        true,
      );
    const busy = simulate(coupled(20));
    const decode = busy.fabric!.engines[8]!;

    it("the decode engine's steps waited on links the prefill engines' KV shared, and the coupling matrix names them", () => {
      console.log(`decode engine: ${decode.stretchedSteps} steps stretched, ${(decode.stretchSeconds * 1e3).toFixed(1)} ms in total`);
      expect(decode.stretchedSteps).toBeGreaterThan(0);
      expect(decode.stretchSeconds).toBeGreaterThan(0);
      const row = busy.fabric!.coupling![8]!;
      expect(row.slice(0, 8).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(row[8]).toBe(0);
    });

    it('without the fabric the same run is faster: the stretch is what sharing costs', () => {
      const closed = simulate(coupled(20), NO_WORKLOAD_DATA, { fabric: 'off' });
      expect(busy.latency.tpot.mean!).toBeGreaterThan(closed.latency.tpot.mean!);
    });
  });

  it('the fabric analysis is byte-identical across worker counts', async () => {
    const s = scenario(
      {
        stop: { requests: 300 },
        cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 4, fabric: { interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 200, oversubscription: 2 } } },
        serving: { disaggregation: { prefill: { replicas: 4 }, decode: { replicas: 2, tensorParallelSize: 2 } } },
        workload: { arrival: { process: 'poisson', rate: 10 }, inputTokens: { dist: 'lognormal', mean: 4000, sd: 1000 }, outputTokens: { dist: 'fixed', value: 100 } },
      },
      true,
    );
    const loaded = { scenario: s, data: NO_WORKLOAD_DATA };
    const one = await analyzeFabric(loaded, { workers: 1, rates: [5, 10, 20] });
    const two = await analyzeFabric(loaded, { workers: 2, rates: [5, 10, 20] });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(one.kind).toBe('fabric');
    // Oversubscribed without racks: each node under its own leaf, so the KV crosses the spine.
    expect(one.run.linkLoads.some((l) => l.kind === 'spine-up')).toBe(true);
  });
});
