import { describe, expect, it } from 'vitest';
import { findFabric, findGpu } from '../../../engine/catalog/lookup.js';
import { planCollective, runCollective, type CollectiveRequest, type CollectiveResult } from '../../../engine/fabric/collective-flows.js';
import { FlowNetwork } from '../../../engine/fabric/flow-network.js';
import { buildTopology, type Topology, type TopologyInput } from '../../../engine/fabric/topology.js';
import { Kernel } from '../../../engine/kernel/simulation-clock.js';
import type { ClusterSpec } from '../../../engine/scenario/scenario-types.js';
import { allGatherSeconds, allToAllSeconds, ringAllReduceSeconds, sendRecvSeconds } from '../../../engine/step-time/collectives.js';

function cluster(nodes: number, gpusPerNode: number, gbpsPerGpu = 400, oversubscription = 1, gpuId = 'h100-sxm'): ClusterSpec {
  const gpu = findGpu(gpuId)!;
  return {
    gpu,
    nodes,
    gpusPerNode,
    fabric: {
      intraNode: { ...findFabric(gpu.intraNodeFabric)!, GBpsPerGpu: gpu.intraNodeGBps },
      interNode: nodes === 1 ? null : { fabric: findFabric('infiniband-ndr')!, gbpsPerGpu, oversubscription },
    },
    topology: null,
  };
}

/** Runs the requests at time 0 on an idle fabric; returns each one's result. */
function run(topology: Topology, ...requests: CollectiveRequest[]): { results: (CollectiveResult | null)[]; kernel: Kernel; network: FlowNetwork } {
  const kernel = new Kernel();
  const network = new FlowNetwork(kernel, topology.links);
  const results: (CollectiveResult | null)[] = requests.map(() => null);
  requests.forEach((request, i) => runCollective(network, topology, request, (r) => (results[i] = r)));
  kernel.run();
  return { results, kernel, network };
}

const seconds = (topology: Topology, request: CollectiveRequest) => run(topology, request).results[0]!.seconds;
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function expectRelative(actual: number, expected: number, tolerance: number) {
  expect(Math.abs(actual / expected - 1), `observed ${actual}, expected ${expected} (relative tolerance ${tolerance})`).toBeLessThanOrEqual(tolerance);
}

const COSTS = { fixedSeconds: 2.78e-5, hopLatencySeconds: 2.4e-7, bandwidthEfficiency: 0.783 };

describe('collectives on the flow network (engine/fabric/collective-flows.ts)', () => {
  const node = buildTopology(cluster(1, 8));
  const a100Node = buildTopology(cluster(1, 8, 400, 1, 'a100-80gb'));

  it('takes exactly ringAllReduceSeconds for a ring all-reduce inside one node on an idle fabric', () => {
    for (const n of [2, 3, 4, 8]) {
      for (const bytes of [2048, 1 << 20, 64 << 20, 8 * 2 ** 30]) {
        const gpus = range(0, n);
        expectRelative(seconds(node, { kind: 'all-reduce', gpus, bytes, costs: COSTS, algorithm: 'ring' }), ringAllReduceSeconds(bytes, n, 450, COSTS.hopLatencySeconds, COSTS.bandwidthEfficiency, COSTS.fixedSeconds), 1e-9);
        // With the link's own latency (the catalog's 1.9 us) and the catalog's efficiency (nvlink3: 0.87; nvlink4 has no ring figure: line rate).
        expectRelative(seconds(node, { kind: 'all-reduce', gpus, bytes, costs: { fixedSeconds: 0 }, algorithm: 'ring' }), ringAllReduceSeconds(bytes, n, 450, 1.9e-6, 1, 0), 1e-9);
        expectRelative(seconds(a100Node, { kind: 'all-reduce', gpus, bytes, costs: { fixedSeconds: 0 } }), ringAllReduceSeconds(bytes, n, 300, 1.9e-6, 0.87, 0), 1e-9);
      }
    }
  });

  it('runs NVLS where the switch reduces: each port carries S + S/g each way in 2 steps, and auto takes it over the ring', () => {
    const bytes = 2 ** 30;
    const costs = { fixedSeconds: 1e-5, hopLatencySeconds: 1e-6, bandwidthEfficiency: 0.7 };
    const plan = planCollective(node, { kind: 'all-reduce', gpus: range(0, 8), bytes, costs });
    expect(plan.algorithm).toBe('nvls');
    expect(plan.phases).toHaveLength(1);
    expect(plan.phases[0]!.steps).toBe(2);
    expect(plan.phases[0]!.flows.map((f) => f.payloadBytes)).toEqual(range(0, 8).map(() => (9 / 8) * bytes));
    expectRelative(seconds(node, { kind: 'all-reduce', gpus: range(0, 8), bytes, costs }), 1e-5 + 2e-6 + ((9 / 8) * bytes) / (450e9 * 0.7), 1e-9);
    // With the catalog's costs: nvlink4's NVLS efficiency (0.65) and NCCL's 25 us per call, of which the fixed cost is part.
    const catalog = planCollective(node, { kind: 'all-reduce', gpus: range(0, 8), bytes, costs: { fixedSeconds: 5e-6 } });
    expect(catalog.algorithm).toBe('nvls');
    expectRelative(catalog.isolatedSeconds, 25e-6 + 2 * 1.9e-6 + ((9 / 8) * bytes) / (450e9 * 0.65), 1e-9);
    // A100's NVSwitch only forwards: ring, and asking for nvls there (or for anything but all-reduce) is refused.
    expect(planCollective(a100Node, { kind: 'all-reduce', gpus: range(0, 8), bytes, costs }).algorithm).toBe('ring');
    expect(() => planCollective(a100Node, { kind: 'all-reduce', gpus: range(0, 8), bytes, costs, algorithm: 'nvls' })).toThrow(/nvls needs/);
    expect(() => planCollective(node, { kind: 'all-gather', gpus: range(0, 8), bytes, costs, algorithm: 'nvls' })).toThrow(/nvls needs/);
    // Across two nodes: the rails beside the switch's reduction, overlapped; in sequence reduce, rails, multicast add up.
    const two = buildTopology(cluster(2, 8));
    const flat = { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 };
    const across = planCollective(two, { kind: 'all-reduce', gpus: range(0, 16), bytes, costs: flat });
    expect(across.algorithm).toBe('nvls');
    expect(across.phases[0]!.steps).toBe(2 + 2);
    expectRelative(across.isolatedSeconds, Math.max((9 / 8) * bytes / 450e9, bytes / 8 / 50e9), 1e-12);
    const sequential = planCollective(two, { kind: 'all-reduce', gpus: range(0, 16), bytes, costs: flat, algorithm: 'nvls', phases: 'sequential' });
    expect(sequential.phases.map((p) => p.name)).toEqual(['nvls reduce', 'inter-node rails', 'nvls multicast']);
    expectRelative(sequential.isolatedSeconds, bytes / 450e9 + bytes / 8 / 50e9 + bytes / 450e9, 1e-12);
  });

  it('takes exactly allGatherSeconds for all-gather and reduce-scatter, allToAllSeconds for all-to-all, sendRecvSeconds for a send', () => {
    const bytes = 48 << 20;
    for (const kind of ['all-gather', 'reduce-scatter'] as const) {
      expectRelative(seconds(node, { kind, gpus: range(0, 8), bytes, costs: COSTS }), allGatherSeconds(bytes, 8, 450, COSTS.hopLatencySeconds, COSTS.bandwidthEfficiency, COSTS.fixedSeconds), 1e-9);
    }
    expectRelative(seconds(node, { kind: 'all-to-all', gpus: range(0, 8), bytes, costs: COSTS }), allToAllSeconds(bytes, 8, 450, COSTS.hopLatencySeconds, COSTS.bandwidthEfficiency, COSTS.fixedSeconds), 1e-9);
    const two = buildTopology(cluster(2, 8));
    expectRelative(seconds(two, { kind: 'send', gpus: [3, 12], bytes, costs: { fixedSeconds: 0, bandwidthEfficiency: 0.9 } }), sendRecvSeconds(bytes, 50, 4e-6, 0.9), 1e-9);
    expectRelative(seconds(node, { kind: 'send', gpus: [1, 2], bytes, costs: { fixedSeconds: 0, bandwidthEfficiency: 0.9 } }), sendRecvSeconds(bytes, 450, 1.9e-6, 0.9), 1e-9);
  });

  it('costs nothing over one GPU or for zero bytes, and still answers from a kernel event', () => {
    const kernel = new Kernel();
    const network = new FlowNetwork(kernel, node.links);
    const results: CollectiveResult[] = [];
    runCollective(network, node, { kind: 'all-reduce', gpus: [5], bytes: 1e9, costs: COSTS }, (r) => results.push(r));
    runCollective(network, node, { kind: 'all-gather', gpus: range(0, 8), bytes: 0, costs: COSTS }, (r) => results.push(r));
    expect(results).toEqual([]);
    kernel.run();
    expect(results.map((r) => r.seconds)).toEqual([0, 0]);
    expect(results[0]!.plan.algorithm).toBe('none');
  });

  it('runs an all-reduce over two nodes hierarchically: NVLink rings and one flow per rail, overlapped', () => {
    const two = buildTopology(cluster(2, 8));
    const bytes = 2 ** 30;
    const plan = planCollective(two, { kind: 'all-reduce', gpus: range(0, 16), bytes, costs: { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 }, algorithm: 'hierarchical' });
    expect(plan.algorithm).toBe('hierarchical');
    expect(plan.phases).toHaveLength(1);
    const [phase] = plan.phases;
    const inter = phase!.flows.filter((f) => two.nodeOf(f.src) !== two.nodeOf(f.dst));
    expect(inter).toHaveLength(16); // 8 rails, both directions
    for (const f of inter) expect(f.src % 8).toBe(f.dst % 8);
    for (const f of inter) expect(f.payloadBytes).toBe(bytes / 8);
    // NVLink carries 2(g-1)/g of the message per port; each NIC 1/g: at 450 vs 50 GB/s NVLink bounds.
    expectRelative(plan.isolatedSeconds, (1.75 * bytes) / 450e9, 1e-12);
    expect(phase!.steps).toBe(2 * 7 + 2 * 1);
    expectRelative(seconds(two, { kind: 'all-reduce', gpus: range(0, 16), bytes, costs: { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 }, algorithm: 'hierarchical' }), plan.isolatedSeconds, 1e-9);
    // A100 nodes (no NVLS) take it by themselves.
    const a100Two = buildTopology(cluster(2, 8, 400, 1, 'a100-80gb'));
    expect(planCollective(a100Two, { kind: 'all-reduce', gpus: range(0, 16), bytes, costs: COSTS }).algorithm).toBe('hierarchical');
  });

  it('makes TP16 over two nodes slower than TP8 in one by the factor the NIC bandwidth implies', () => {
    const costs = { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 };
    const bytes = 256 << 20;
    const slow = buildTopology(cluster(2, 8, 100)); // 12.5 GB/s per GPU: the NICs bound the rails
    const tp16 = seconds(slow, { kind: 'all-reduce', gpus: range(0, 16), bytes, costs });
    const tp8 = seconds(node, { kind: 'all-reduce', gpus: range(0, 8), bytes, costs });
    const nicSeconds = bytes / 8 / 12.5e9;
    // Both run NVLS on H100: S + S/g over each NVLink port in one node.
    const nvlinkSeconds = (1.125 * bytes) / 450e9;
    expectRelative(tp16 / tp8, nicSeconds / nvlinkSeconds, 1e-9);
  });

  it('runs hierarchical phases in sequence when asked: their times add up', () => {
    const two = buildTopology(cluster(2, 8));
    const bytes = 2 ** 30;
    const costs = { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 };
    const t = seconds(two, { kind: 'all-reduce', gpus: range(0, 16), bytes, costs, phases: 'sequential', algorithm: 'hierarchical' });
    expectRelative(t, (0.875 * bytes) / 450e9 + bytes / 8 / 50e9 + (0.875 * bytes) / 450e9, 1e-9);
    const plan = planCollective(two, { kind: 'all-gather', gpus: range(0, 16), bytes, costs, phases: 'sequential' });
    expect(plan.phases.map((p) => p.name)).toEqual(['inter-node all-gather', 'intra-node all-gather']);
  });

  it('falls back to a flat ring when the nodes hold unequal shares, and refuses hierarchical then', () => {
    const two = buildTopology(cluster(2, 8));
    const gpus = [...range(0, 8), 8, 9];
    expect(planCollective(two, { kind: 'all-reduce', gpus, bytes: 1e6, costs: COSTS }).algorithm).toBe('ring');
    expect(() => planCollective(two, { kind: 'all-reduce', gpus, bytes: 1e6, costs: COSTS, algorithm: 'hierarchical' })).toThrow(/same number/);
  });

  it('adds the chunk-pipelining fill 2 sqrt(L T) to a ring phase, and not to all-to-all', () => {
    const bytes = 8 << 20;
    const costs = { fixedSeconds: 1e-5, hopLatencySeconds: 1e-6, bandwidthEfficiency: 0.9, pipelineFill: true };
    const latency = 14 * 1e-6;
    const transfer = (1.75 * bytes) / (450e9 * 0.9);
    expectRelative(seconds(node, { kind: 'all-reduce', gpus: range(0, 8), bytes, costs, algorithm: 'ring' }), 1e-5 + latency + transfer + 2 * Math.sqrt(latency * transfer), 1e-9);
    expectRelative(seconds(node, { kind: 'all-to-all', gpus: range(0, 8), bytes, costs }), allToAllSeconds(bytes, 8, 450, 1e-6, 0.9, 1e-5), 1e-9);
  });

  it('lets the most popular destination bound a skewed all-to-all', () => {
    const bytes = 60 << 20;
    const weights = [3, 1, 1, 1];
    const costs = { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 };
    // GPU 0 receives 3/6 of each of the 3 others' buffers: 1.5 x bytes through its down port.
    expectRelative(seconds(node, { kind: 'all-to-all', gpus: range(0, 4), bytes, weights, costs }), (1.5 * bytes) / 450e9, 1e-9);
    expect(() => planCollective(node, { kind: 'all-to-all', gpus: range(0, 4), bytes, weights: [1, 1], costs })).toThrow(/one weight per GPU/);
  });

  it('couples two collectives that share a spine uplink: each takes longer than alone, by what the uplink implies', () => {
    // Nodes 0 and 1 in different racks; 4:1 oversubscription: each rack's uplink is 8 x 50 / 4 = 100 GB/s.
    const racks: TopologyInput = { racks: 2 };
    const t = buildTopology(cluster(2, 8, 400, 4), racks);
    const costs = { fixedSeconds: 0, hopLatencySeconds: 0, bandwidthEfficiency: 1 };
    const bytes = 2 ** 30;
    const a: CollectiveRequest = { kind: 'all-reduce', gpus: [0, 1, 2, 3, 8, 9, 10, 11], bytes, costs, owner: 0, tag: 'tp-allreduce' };
    const b: CollectiveRequest = { ...a, gpus: [4, 5, 6, 7, 12, 13, 14, 15], owner: 1 };
    const alone = seconds(t, a);
    // Alone: 4 rails x bytes/4 cross each uplink at 100 GB/s (NVLink needs 1.5 x bytes / 450 GB/s, less).
    expectRelative(alone, bytes / 100e9, 1e-9);
    const { results, network } = run(t, a, b);
    for (const r of results) expectRelative(r!.seconds, (2 * bytes) / 100e9, 1e-9);
    const uplink = t.links.find((l) => l.id === 'rack0 leaf -> spine')!.index;
    expect(network.usage(uplink).byOwner.map((o) => o.owner)).toEqual([0, 1]);
    expect(network.usage(uplink).byTag).toEqual([{ tag: 'tp-allreduce', bytes: 2 * bytes }]);
  });

  it('cancels a collective: its flows leave the fabric and it never calls back', () => {
    const kernel = new Kernel();
    const network = new FlowNetwork(kernel, node.links);
    let called = false;
    const handle = runCollective(network, node, { kind: 'all-reduce', gpus: range(0, 8), bytes: 2 ** 30, costs: COSTS }, () => (called = true));
    kernel.at(1e-3, 'test-cancel', () => handle.cancel());
    kernel.run();
    expect(called).toBe(false);
    expect(handle.ended).toBe(true);
    expect(network.activeFlows).toBe(0);
  });

  it("prices NCCL's protocols when asked: LL (half the bandwidth, NCCL's low latencies) for small messages, Simple for large, each at its scaled table", () => {
    const gpus = range(0, 8);
    const costs = { fixedSeconds: 0, protocols: { lowLatencyScale: 1, simpleLatencyScale: 1 }, bandwidthEfficiency: 0.9 };
    const small = planCollective(a100Node, { kind: 'all-reduce', gpus, bytes: 4096, costs });
    const large = planCollective(a100Node, { kind: 'all-reduce', gpus, bytes: 2 ** 30, costs });
    expect([small.protocol, large.protocol]).toEqual(['LL', 'Simple']);
    // NCCL's table for an 8-GPU ring over NVLink: LL 6.6 + 14 x 0.6 us, Simple 8.4 + 14 x 3.4 us.
    const transfer = (bytes: number, share: number) => (1.75 * bytes) / (300e9 * 0.9 * share);
    expectRelative(small.isolatedSeconds, 15e-6 + transfer(4096, 0.5), 1e-9);
    expectRelative(large.isolatedSeconds, 56e-6 + transfer(2 ** 30, 1), 1e-9);
    // LL's flows hold their links for twice the bytes (half of each line is its flag).
    expect(small.phases[0]!.flows[0]!.bytes).toBeCloseTo((2 * 1.75 * 4096) / 0.9, 6);
    // The scales multiply each protocol's latencies; forcing one is allowed where it runs.
    const scaled = planCollective(a100Node, { kind: 'all-reduce', gpus, bytes: 4096, costs: { ...costs, protocols: { lowLatencyScale: 2, simpleLatencyScale: 1 } }, protocol: 'LL' });
    expectRelative(scaled.isolatedSeconds, 30e-6 + transfer(4096, 0.5), 1e-9);
    // NVLS runs Simple only: NCCL's 25 us per call and its 2 steps at Simple's NVLink latency.
    const nvls = planCollective(node, { kind: 'all-reduce', gpus, bytes: 2 ** 30, costs, algorithm: 'nvls' });
    expect(nvls.protocol).toBe('Simple');
    expectRelative(nvls.isolatedSeconds, 25e-6 + 2 * 3.4e-6 + ((9 / 8) * 2 ** 30) / (450e9 * 0.9), 1e-9);
    expect(() => planCollective(node, { kind: 'all-reduce', gpus, bytes: 1, costs, algorithm: 'nvls', protocol: 'LL' })).toThrow(/LL runs on ring and hierarchical only/);
    // Without costs.protocols there is no protocol to choose.
    expect(planCollective(a100Node, { kind: 'all-reduce', gpus, bytes: 4096, costs: COSTS }).protocol).toBeNull();
    expect(() => planCollective(a100Node, { kind: 'all-reduce', gpus, bytes: 4096, costs: COSTS, protocol: 'LL' })).toThrow(/needs costs.protocols/);
    expect(() => planCollective(a100Node, { kind: 'all-reduce', gpus, bytes: 4096, costs: { ...costs, hopLatencySeconds: 1e-6 } })).toThrow(/no costs.hopLatencySeconds/);
  });

  it('refuses requests it cannot run, naming the field', () => {
    expect(() => planCollective(node, { kind: 'all-reduce', gpus: [0, 0], bytes: 1, costs: COSTS })).toThrow(/repeat/);
    expect(() => planCollective(node, { kind: 'all-reduce', gpus: [0, 9], bytes: 1, costs: COSTS })).toThrow(/GPU 9/);
    expect(() => planCollective(node, { kind: 'send', gpus: [0, 1, 2], bytes: 1, costs: COSTS })).toThrow(/source, destination/);
    expect(() => planCollective(node, { kind: 'all-reduce', gpus: [0, 1], bytes: 1, costs: { fixedSeconds: 0, bandwidthEfficiency: 0 } })).toThrow(/bandwidthEfficiency/);
  });
});
