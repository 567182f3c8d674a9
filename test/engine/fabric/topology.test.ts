import { describe, expect, it } from 'vitest';
import { findFabric, findGpu } from '../../../engine/catalog/lookup.js';
import { buildTopology } from '../../../engine/fabric/topology.js';
import type { ClusterSpec } from '../../../engine/scenario/scenario-types.js';

/** A normalized cluster as the scenario schema resolves it. */
function cluster(nodes: number, gpusPerNode: number, inter: { kind: string; gbpsPerGpu: number; oversubscription?: number } | null = null): ClusterSpec {
  const gpu = findGpu('h100-sxm')!;
  return {
    gpu,
    nodes,
    gpusPerNode,
    fabric: {
      intraNode: { ...findFabric(gpu.intraNodeFabric)!, GBpsPerGpu: gpu.intraNodeGBps },
      interNode: inter === null ? null : { fabric: findFabric(inter.kind)!, gbpsPerGpu: inter.gbpsPerGpu, oversubscription: inter.oversubscription ?? 1 },
    },
    topology: null,
  };
}

const ids = (t: ReturnType<typeof buildTopology>, path: readonly number[]) => path.map((l) => t.links[l]!.id);

describe('buildTopology(cluster, input): the link graph', () => {
  it('gives each GPU an NVLink port pair at the intra-node fabric rate and a NIC pair at gbpsPerGpu / 8', () => {
    const t = buildTopology(cluster(2, 8, { kind: 'infiniband-ndr', gbpsPerGpu: 400 }));
    expect(t.gpus).toBe(16);
    expect(t.links).toHaveLength(16 * 2 + 16 * 2);
    const up = t.links.find((l) => l.id === 'node0/gpu3 nvlink up')!;
    expect(up.capacity).toBe(450e9);
    expect(up.latencySeconds).toBeCloseTo(1.9e-6, 12);
    expect(up.kind).toBe('scale-up-out');
    const nic = t.links.find((l) => l.id === 'node1 nic5 -> leaf')!;
    expect(nic.capacity).toBe(50e9);
    expect(nic.latencySeconds).toBeCloseTo(4e-6, 12);
    expect(t.links.find((l) => l.id === 'leaf -> node1 nic5')!.kind).toBe('nic-in');
    expect(t.racks).toBe(1);
  });

  it('routes the same GPU to nothing, inside a node over two NVLink ports, across nodes over two NICs', () => {
    const t = buildTopology(cluster(2, 8, { kind: 'infiniband-ndr', gbpsPerGpu: 400 }));
    expect(t.route(3, 3)).toEqual([]);
    expect(ids(t, t.route(1, 6))).toEqual(['node0/gpu1 nvlink up', 'node0/gpu6 nvlink down']);
    expect(ids(t, t.route(2, 13))).toEqual(['node0 nic2 -> leaf', 'leaf -> node1 nic5']);
    expect(t.route(2, 13)).toBe(t.route(2, 13)); // cached
  });

  it('sends traffic between racks over the spine, whose uplink is the rack NIC capacity / oversubscription', () => {
    const t = buildTopology(cluster(4, 8, { kind: 'infiniband-ndr', gbpsPerGpu: 400, oversubscription: 2 }), { racks: 2 });
    expect(t.nodesPerRack).toBe(2);
    expect(t.oversubscription).toBe(2);
    expect(ids(t, t.route(0, 8))).toEqual(['node0 nic0 -> leaf', 'leaf -> node1 nic0']);
    expect(ids(t, t.route(0, 16))).toEqual(['node0 nic0 -> leaf', 'rack0 leaf -> spine', 'spine -> rack1 leaf', 'leaf -> node2 nic0']);
    const uplink = t.links.find((l) => l.id === 'rack0 leaf -> spine')!;
    expect(uplink.capacity).toBe((2 * 8 * 50e9) / 2);
    expect(uplink.kind).toBe('spine-up');
  });

  it('takes the spine oversubscription from the topology before the inter-node fabric', () => {
    const t = buildTopology(cluster(4, 8, { kind: 'roce-400g', gbpsPerGpu: 400, oversubscription: 2 }), { nodesPerRack: 1, spine: { oversubscription: 4 } });
    expect(t.racks).toBe(4);
    expect(t.links.find((l) => l.id === 'spine -> rack3 leaf')!.capacity).toBe((8 * 50e9) / 4);
  });

  it('sizes a short last rack by its own nodes', () => {
    const t = buildTopology(cluster(3, 4, { kind: 'infiniband-ndr', gbpsPerGpu: 400 }), { nodesPerRack: 2 });
    expect(t.racks).toBe(2);
    expect(t.links.find((l) => l.id === 'rack1 leaf -> spine')!.capacity).toBe(4 * 50e9);
  });

  it('names an MI300X or PCIe scale-up port after its fabric', () => {
    const c = cluster(1, 2);
    c.fabric.intraNode = findFabric('infinity-fabric')!;
    expect(buildTopology(c).links[0]!.id).toBe('node0/gpu0 infinity-fabric up');
  });

  it('charges one step the largest latency on its path', () => {
    const t = buildTopology(cluster(2, 2, { kind: 'infiniband-ndr', gbpsPerGpu: 400 }));
    expect(t.hopLatencySeconds(t.route(0, 1))).toBeCloseTo(1.9e-6, 12);
    expect(t.hopLatencySeconds(t.route(0, 2))).toBeCloseTo(4e-6, 12);
    expect(t.hopLatencySeconds([])).toBe(0);
  });

  it('refuses routes between nodes without an inter-node fabric, unknown GPUs and impossible rack layouts', () => {
    const t = buildTopology(cluster(2, 8));
    expect(() => t.route(0, 8)).toThrow(/no inter-node fabric/);
    expect(() => t.route(0, 16)).toThrow(/not a GPU/);
    const c = cluster(4, 8, { kind: 'infiniband-ndr', gbpsPerGpu: 400 });
    expect(() => buildTopology(c, { racks: 5 })).toThrow(/no empty rack/);
    expect(() => buildTopology(c, { racks: 1, nodesPerRack: 2 })).toThrow(/fewer than the cluster's 4/);
    expect(() => buildTopology(c, { racks: 3, nodesPerRack: 2 })).toThrow(/leave a rack empty/);
    expect(() => buildTopology(c, { racks: 0 })).toThrow(/at least 1/);
    expect(() => buildTopology(c, { spine: { oversubscription: 0.5 } })).toThrow(/oversubscription/);
  });
});
