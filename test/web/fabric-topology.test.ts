import { describe, expect, it } from 'vitest';
import type { FabricResult } from '../../analyzers/fabric/fabric-result.js';
import { allCells, cellLoad, gpuOfLink, MAX_DRAWN_NODES, rackLayout, topologyModel } from '../../web/src/shape/fabric-topology.js';
import { topologyLayout, type Rect } from '../../web/src/shape/fabric-topology-layout.js';
import { HOSTILE_NAME } from './fixtures/results.js';
import { idleFabric, linkId, pdFabric, pdScenario, wideFabric } from './fixtures/fabric.js';

const cluster = (patch: Partial<FabricResult['scenario']['cluster']>, inter: Partial<NonNullable<FabricResult['scenario']['cluster']['fabric']['interNode']>> | null = {}) => {
  const base = pdScenario().cluster;
  return { ...base, ...patch, fabric: { ...base.fabric, interNode: inter === null ? null : { ...base.fabric.interNode!, ...inter } } };
};

describe('the cluster layout (web/src/shape/fabric-topology)', () => {
  it('rackLayout(cluster) lays nodes out as the engine does: cluster.topology, one leaf per node when oversubscribed without racks, else one leaf', () => {
    expect(rackLayout(cluster({}))).toEqual({ racks: 2, nodesPerRack: 2, oversubscription: 4 });
    expect(rackLayout(cluster({ topology: null }, { oversubscription: 1 }))).toEqual({ racks: 1, nodesPerRack: 4, oversubscription: 1 });
    expect(rackLayout(cluster({ topology: null }, { oversubscription: 2 }))).toEqual({ racks: 4, nodesPerRack: 1, oversubscription: 2 });
    expect(rackLayout(cluster({ nodes: 5, topology: { nodesPerRack: 2 } }))).toEqual({ racks: 3, nodesPerRack: 2, oversubscription: 1 });
    expect(rackLayout(cluster({ nodes: 5, topology: { racks: 2 } }))).toEqual({ racks: 2, nodesPerRack: 3, oversubscription: 1 });
    // Odd input is clamped, never thrown on: more racks than nodes, a fraction.
    expect(rackLayout(cluster({ nodes: 2, topology: { racks: 9.5 } }))).toEqual({ racks: 2, nodesPerRack: 1, oversubscription: 1 });
  });

  it('gpuOfLink(id, kind) reads the GPU from the engine\'s link ids', () => {
    expect(gpuOfLink(linkId('scale-up-out', { node: 3, gpu: 5 }), 'scale-up-out')).toBe(5);
    expect(gpuOfLink(linkId('nic-in', { node: 12, gpu: 7 }), 'nic-in')).toBe(7);
    expect(gpuOfLink('node1 nic5 -> leaf', 'nic-out')).toBe(5);
    expect(gpuOfLink(HOSTILE_NAME, 'nic-out')).toBeNull();
  });

  it('topologyModel(result) puts every link of a 4 x 8 P/D cluster in its place, per GPU, with the spine links per rack', () => {
    const model = topologyModel(pdFabric());
    expect(model).toMatchObject({ detail: 'gpu', nodes: 4, gpusPerNode: 8, drawnNodes: 4, hasNic: true, hasSpine: true, scaleUp: 'NVLink', notes: [] });
    expect(model.summary).toBe('4 nodes × 8 GPUs in 2 racks (one leaf each), spine 4:1 oversubscribed; 66 of 132 links carried traffic');
    expect(model.racks.map((r) => r.nodes.map((n) => n.node))).toEqual([[0, 1], [2, 3]]);
    // 4 kinds per GPU and 2 spine links per rack: the engine's 132 links.
    expect(allCells(model)).toHaveLength(132);
    const up = model.racks[0]!.up!;
    expect([up.key, up.hottest, up.p99, up.mean, up.carried]).toEqual(['rack0/spine-up', 'rack0 leaf -> spine', 0.94, 0.73, 1]);
    expect(model.racks[0]!.down).toMatchObject({ p99: null, carried: 0, tooltip: { title: 'rack 0: downlink, spine to leaf', rows: [['link', 'rack downlink (spine to leaf)'], ['utilization', 'no traffic in this run']] } });
    const nic = model.racks[1]!.nodes[1]!.cells.find((c) => c.key === 'node3/gpu0/nic-in')!;
    expect(nic.tooltip).toEqual({ title: 'leaf -> node3 nic0', rows: [['link', 'NIC in (from the leaf)'], ['p99 utilization', '90%'], ['mean utilization', '40%'], ['capacity', '25 GB/s each way'], ['carrying', 'kv-transfer 7,700 GB']] });
    expect(cellLoad(nic, 'p99')).toBe(0.9);
    expect(cellLoad(nic, 'mean')).toBe(0.4);
  });

  it('topologyModel draws 64 x 8 GPUs a node at a time: per kind the busiest of its GPUs\' links', () => {
    const wide = wideFabric();
    const model = topologyModel(wide);
    expect(model.detail).toBe('node');
    expect(model.racks).toHaveLength(8);
    expect(allCells(model)).toHaveLength(64 * 4 + 8 * 2);
    expect(model.notes).toEqual(["512 GPUs: each node is drawn once, each of its link kinds showing the busiest of its 8 GPUs' links."]);
    const cell = model.racks[0]!.nodes[1]!.cells.find((c) => c.kind === 'nic-out')!;
    // node 1: (7 % 10) / 10 x 0.9 + gpu / 100, the busiest at gpu 7.
    expect(cell).toMatchObject({ key: 'node1/nic-out', links: 8, carried: 8, hottest: 'node1 nic7 -> leaf' });
    expect(cell.p99).toBeCloseTo(0.7, 10);
    expect(cell.tooltip.title).toBe('node 1: 8 NIC out links, the busiest shown');
    expect(cell.tooltip.rows[0]).toEqual(['busiest p99', '70% (node1 nic7 -> leaf)']);
    // Forced per GPU, the same data: 4 cells per GPU.
    expect(allCells(topologyModel(wide, 'gpu'))).toHaveLength(512 * 4 + 16);
  });

  it('topologyModel of one GPU without an inter-node fabric draws its scale-up ports only, all idle', () => {
    const model = topologyModel(idleFabric());
    expect(model).toMatchObject({ detail: 'gpu', nodes: 1, gpusPerNode: 1, hasNic: false, hasSpine: false });
    expect(allCells(model).map((c) => [c.kind, c.p99])).toEqual([
      ['scale-up-out', null],
      ['scale-up-in', null],
    ]);
    expect(model.summary).toBe('1 node × 1 GPU with no inter-node fabric; 0 of 2 links carried traffic');
    expect(model.reading).toBe('Per GPU: NVLink out and in below it.');
  });

  it('topologyModel says what it leaves out: nodes past MAX_DRAWN_NODES, links past what the engine records, ids it cannot place', () => {
    const result = pdFabric(pdScenario(['cluster.nodes=2000', 'cluster.topology.racks=20']));
    result.run.linkLoads = [
      ...result.run.linkLoads,
      { id: HOSTILE_NAME, kind: 'nic-out', node: 0, rack: 0, utilizationMean: 1, utilizationP99: 1 },
      { id: 'node0 nic99 -> leaf', kind: 'nic-out', node: 0, rack: 0, utilizationMean: 1, utilizationP99: 1 },
      { id: 'x', kind: 'teleporter', node: 0, rack: 0, utilizationMean: 1, utilizationP99: 1 },
    ];
    const model = topologyModel(result);
    expect(model.drawnNodes).toBe(MAX_DRAWN_NODES);
    expect(model.racks.reduce((n, r) => n + r.nodes.length, 0)).toBe(MAX_DRAWN_NODES);
    expect(model.notes[0]).toBe('The first 1,024 of 2,000 nodes are drawn.');
    expect(model.notes.at(-1)).toBe(`3 recorded links could not be placed in this cluster's layout (first: ${HOSTILE_NAME.slice(0, 120)}).`);
    const capped = pdFabric();
    capped.run.linkLoads = Array.from({ length: 4096 }, () => capped.run.linkLoads[0]!);
    expect(topologyModel(capped).notes).toContain('The result records the 4,096 busiest links; quieter ones are drawn as not recorded.');
    expect(topologyModel(capped).racks[0]!.down!.tooltip.rows.at(-1)).toEqual(['utilization', 'not recorded (the result keeps the 4,096 busiest links)']);
  });
});

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a: Rect, b: Rect) => a.x >= b.x - 1e-9 && a.y >= b.y - 1e-9 && a.x + a.w <= b.x + b.w + 1e-9 && a.y + a.h <= b.y + b.h + 1e-9;

describe('topologyLayout(model, width)', () => {
  for (const [what, result] of [
    ['4 x 8 P/D', pdFabric()],
    ['64 x 8 in 8 racks', wideFabric()],
    ['one GPU', idleFabric()],
  ] as const) {
    for (const width of [390, 1180]) {
      it(`${what} at ${width} px: racks, nodes and link cells do not overlap, each sits in its box, and it fits the width`, () => {
        const model = topologyModel(result);
        const g = topologyLayout(model, width);
        expect(g.width).toBeLessThanOrEqual(width);
        for (let i = 0; i < g.racks.length; i++) for (let j = i + 1; j < g.racks.length; j++) expect(overlaps(g.racks[i]!.box, g.racks[j]!.box), `racks ${i} ${j}`).toBe(false);
        for (let i = 0; i < g.nodes.length; i++) {
          const node = g.nodes[i]!;
          expect(inside(node.box, g.racks.find((r) => model.racks[r.rack]!.nodes.some((n) => n.node === node.node))!.box)).toBe(true);
          if (i + 1 < g.nodes.length) expect(overlaps(node.box, g.nodes[i + 1]!.box)).toBe(false);
        }
        for (let i = 0; i < g.cells.length; i++) {
          const c = g.cells[i]!;
          expect(inside(c, g.nodes.find((n) => n.node === c.cell.node)!.box), c.cell.key).toBe(true);
          if (i + 1 < g.cells.length && g.cells[i + 1]!.cell.node === c.cell.node) expect(overlaps(c, g.cells[i + 1]!), c.cell.key).toBe(false);
        }
        expect(g.cells).toHaveLength(model.racks.reduce((n, r) => n + r.nodes.reduce((m, x) => m + x.cells.length, 0), 0));
        // The spine links sit between the spine bar and the racks.
        const ports = g.ports.flatMap((p) => p.cells);
        expect(ports).toHaveLength(model.hasSpine ? model.racks.length * 2 : 0);
        for (const p of ports) expect(p.y).toBeGreaterThanOrEqual(g.spine!.y + g.spine!.h - 1e-9);
        for (const p of ports) for (const r of g.racks) expect(overlaps(p, r.box)).toBe(false);
      });
    }
  }

  it('puts each rack\'s spine links straight above it when the racks share one row, and in a labelled grid when they wrap', () => {
    const pd = topologyLayout(topologyModel(pdFabric()), 1180);
    expect(pd.portsAbove).toBe(true);
    expect(pd.ports.map((p) => p.label)).toEqual([null, null]);
    const rack0 = pd.racks[0]!.box;
    const up = pd.ports[0]!.cells[0]!;
    expect(up.x).toBeGreaterThan(rack0.x);
    expect(up.x + up.w).toBeLessThan(rack0.x + rack0.w);
    const wide = topologyLayout(topologyModel(wideFabric()), 1180);
    expect(wide.portsAbove).toBe(false);
    expect(wide.ports.map((p) => p.label!.text)).toEqual(Array.from({ length: 8 }, (_, i) => `rack ${i}`));
  });

  it('widens the GPU columns of a small cluster to fill the width, and never below 18 px', () => {
    const model = topologyModel(pdFabric());
    const wide = topologyLayout(model, 1180).nodes[0]!.gpus[0]!;
    const narrow = topologyLayout(model, 390).nodes[0]!.gpus[0]!;
    expect(wide.w).toBeGreaterThan(narrow.w);
    expect(narrow.w).toBe(15);
  });
});
