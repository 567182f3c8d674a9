import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { formatCount, formatNumber } from '../format.js';
import { finite, formatUtilization, isLinkKind, linkKindName, scaleUpName, utilization, type LinkKind, type LoadMetric } from './fabric-links.js';

/**
 * The cluster as the fabric analysis built it (engine/fabric/topology.ts: racks with one leaf each,
 * nodes, one NIC per GPU, a scale-up port pair per GPU, rack up- and downlinks to a spine), with
 * each link's load from `run.linkLoads` set in its place. Large clusters are drawn a node at a
 * time: each node shows, per link kind, the busiest of its GPUs' links. Pure and DOM-free.
 */

/** Up to this many GPUs every GPU is drawn with its own links; above, a node at a time. */
export const DETAIL_GPUS = 128;
/** Most nodes drawn; a larger cluster says how many were left out. */
export const MAX_DRAWN_NODES = 1024;
/** How many links the engine records in linkLoads at most (engine/fabric MAP_LINKS). */
export const RECORDED_LINKS = 4096;

/** One drawn link, or (a node at a time) one kind of link of a node, aggregated by its maximum. */
export interface LinkCell {
  /** Stable and made by the report ("node3/gpu2/nic-out", "node3/nic-out", "rack0/spine-up"), never taken from data. */
  key: string;
  kind: LinkKind;
  rack: number;
  node: number | null;
  gpu: number | null;
  /** Physical links this cell stands for, and how many of them carried traffic. */
  links: number;
  carried: number;
  /** The highest mean and p99 utilization among them; null when none carried traffic. */
  mean: number | null;
  p99: number | null;
  /** The link with the highest p99 (its id as the result names it). */
  hottest: string | null;
  tooltip: { title: string; rows: [string, string][] };
}

export interface NodeModel {
  node: number;
  rack: number;
  /** Detail: per GPU its links in CELL_KINDS order; a node at a time: one cell per kind. */
  cells: LinkCell[];
}

export interface RackModel {
  rack: number;
  nodes: NodeModel[];
  up: LinkCell | null;
  down: LinkCell | null;
}

export interface TopologyModel {
  detail: 'gpu' | 'node';
  nodes: number;
  gpusPerNode: number;
  drawnNodes: number;
  racks: RackModel[];
  hasNic: boolean;
  hasSpine: boolean;
  scaleUp: string;
  /** "4 nodes × 8 GPUs in 2 racks (one leaf each), spine 4:1 oversubscribed; 66 of 132 links carried traffic". */
  summary: string;
  /** How to read the picture, for what it draws (NICs and a spine only where the cluster has them). */
  reading: string;
  /** What the picture leaves out or could not place, in sentences. */
  notes: string[];
}

/** The per-GPU kinds, in the order a node's cells list them. */
export const GPU_KINDS: readonly LinkKind[] = ['nic-out', 'nic-in', 'scale-up-out', 'scale-up-in'];

/**
 * rackLayout(cluster) -> racks, nodes per rack and the spine's oversubscription, as the engine lays
 * them out (ClusterFabric: cluster.topology, or one leaf per node when the inter-node fabric is
 * oversubscribed without racks stated, else one leaf for all). Never throws: odd input is clamped.
 */
export function rackLayout(cluster: FabricResult['scenario']['cluster']): { racks: number; nodesPerRack: number; oversubscription: number } {
  const nodes = Math.max(1, Math.floor(finite(cluster.nodes) ? cluster.nodes : 1));
  const inter = cluster.fabric.interNode;
  const topology = (cluster.topology as FabricResult['scenario']['cluster']['topology'] | undefined) ?? null;
  const layout = topology ?? (inter !== null && inter.oversubscription > 1 ? { nodesPerRack: 1 } : {});
  const int = (v: unknown) => (finite(v) && v >= 1 ? Math.floor(v) : undefined);
  const racks = int(layout.racks);
  const per = int(layout.nodesPerRack);
  const oversubscription = finite(layout.spine?.oversubscription) ? layout.spine.oversubscription : (inter?.oversubscription ?? 1);
  let out: { racks: number; nodesPerRack: number };
  if (racks === undefined && per === undefined) out = { racks: 1, nodesPerRack: nodes };
  else if (per === undefined) out = { racks: Math.min(racks!, nodes), nodesPerRack: Math.ceil(nodes / Math.min(racks!, nodes)) };
  else {
    const p = Math.min(per, nodes);
    out = { racks: Math.ceil(nodes / p), nodesPerRack: p };
  }
  return { ...out, oversubscription };
}

/** The GPU a scale-up or NIC link belongs to, from its id ("node0/gpu3 nvlink up", "leaf -> node1 nic5"). */
export function gpuOfLink(id: string, kind: LinkKind): number | null {
  const match = (kind === 'nic-out' || kind === 'nic-in' ? /\bnic(\d{1,6})\b/ : /\/gpu(\d{1,6})\b/).exec(id);
  return match ? Number(match[1]) : null;
}

interface Load {
  id: string;
  mean: number;
  p99: number;
}

const kindShort: Record<LinkKind, string> = {
  'nic-out': 'NIC out',
  'nic-in': 'NIC in',
  'scale-up-out': 'out',
  'scale-up-in': 'in',
  'spine-up': 'uplink',
  'spine-down': 'downlink',
};

/**
 * topologyModel(result, detail?) -> racks, nodes and their link cells with loads, and notes on
 * what was not drawn (nodes past MAX_DRAWN_NODES, links past what the engine records, link ids the
 * report could not place). `detail` forces per-GPU or per-node drawing (default: per GPU up to
 * DETAIL_GPUS GPUs).
 */
export function topologyModel(result: FabricResult, detail?: 'gpu' | 'node'): TopologyModel {
  const cluster = result.scenario.cluster;
  const nodes = Math.max(1, Math.floor(finite(cluster.nodes) ? cluster.nodes : 1));
  const gpusPerNode = Math.max(1, Math.floor(finite(cluster.gpusPerNode) ? cluster.gpusPerNode : 1));
  const { racks, nodesPerRack, oversubscription } = rackLayout(cluster);
  const scaleUp = scaleUpName(result);
  const loads = result.run.linkLoads;
  const hottest = new Map(result.run.hottest.map((h) => [h.id, h]));

  // Each recorded link in its place: "kind|node|gpu" or "kind|rack".
  const placed = new Map<string, Load>();
  const byNode = new Map<string, { best: Load; mean: number; carried: number }>();
  let unplaced = 0;
  let firstUnplaced: string | null = null;
  for (const l of loads) {
    const kind = l.kind;
    let key: string | null = null;
    if (isLinkKind(kind)) {
      if (kind === 'spine-up' || kind === 'spine-down') {
        if (Number.isInteger(l.rack) && l.rack >= 0 && l.rack < racks) key = `${kind}|${l.rack}`;
      } else {
        const gpu = gpuOfLink(String(l.id), kind);
        if (l.node !== null && Number.isInteger(l.node) && l.node >= 0 && l.node < nodes && gpu !== null && gpu < gpusPerNode) key = `${kind}|${l.node}|${gpu}`;
      }
    }
    if (key === null) {
      unplaced += 1;
      firstUnplaced ??= String(l.id);
      continue;
    }
    const load = { id: String(l.id), mean: utilization(l.utilizationMean), p99: utilization(l.utilizationP99) };
    const before = placed.get(key);
    if (before && load.p99 <= before.p99) continue;
    placed.set(key, load);
    // Per node and kind, for drawing a node at a time: built here, so no loop runs over GPUs that carried nothing.
    if (l.node !== null && !key.startsWith('spine')) {
      const at = `${kind}|${l.node}`;
      const a = byNode.get(at) ?? { best: load, mean: 0, carried: 0 };
      if (!before) a.carried += 1;
      a.mean = Math.max(a.mean, load.mean);
      if (load.p99 >= a.best.p99) a.best = load;
      byNode.set(at, a);
    }
  }
  const hasNic = cluster.fabric.interNode !== null || loads.some((l) => l.kind === 'nic-out' || l.kind === 'nic-in');
  const hasSpine = (hasNic && racks > 1) || loads.some((l) => l.kind === 'spine-up' || l.kind === 'spine-down');
  const capped = loads.length >= RECORDED_LINKS;
  const silent = capped ? `not recorded (the result keeps the ${formatCount(RECORDED_LINKS)} busiest links)` : 'no traffic in this run';

  const describe = (load: Load | null | undefined): [string, string][] => {
    if (!load) return [['utilization', silent]];
    const rows: [string, string][] = [
      ['p99 utilization', formatUtilization(load.p99)],
      ['mean utilization', formatUtilization(load.mean)],
    ];
    const h = hottest.get(load.id);
    if (h) {
      if (finite(h.capacityGBps)) rows.push(['capacity', `${formatNumber(h.capacityGBps)} GB/s each way`]);
      if (h.traffic.length > 0) rows.push(['carrying', h.traffic.slice(0, 3).map((t) => `${t.tag} ${formatNumber(t.GB)} GB`).join(', ')]);
    }
    return rows;
  };
  const kinds = GPU_KINDS.filter((k) => hasNic || (k !== 'nic-out' && k !== 'nic-in'));
  const single = (kind: LinkKind, rack: number, node: number | null, gpu: number | null, key: string, name: string): LinkCell => {
    const load = placed.get(node === null ? `${kind}|${rack}` : `${kind}|${node}|${gpu}`) ?? null;
    return {
      key,
      kind,
      rack,
      node,
      gpu,
      links: 1,
      carried: load ? 1 : 0,
      mean: load ? load.mean : null,
      p99: load ? load.p99 : null,
      hottest: load ? load.id : null,
      tooltip: { title: load ? load.id : name, rows: [['link', linkKindName(kind, scaleUp)], ...describe(load)] },
    };
  };
  const aggregate = (kind: LinkKind, rack: number, node: number): LinkCell => {
    const a = byNode.get(`${kind}|${node}`);
    const best = a?.best ?? null;
    const mean = a ? a.mean : null;
    const carried = a?.carried ?? 0;
    const what = `${gpusPerNode} ${kind.startsWith('nic') ? kindShort[kind] : `${scaleUp} ${kindShort[kind]}`} link${gpusPerNode === 1 ? '' : 's'}`;
    const rows: [string, string][] =
      best === null
        ? [['utilization', silent]]
        : [
            ['busiest p99', `${formatUtilization(best.p99)} (${best.id})`],
            ['busiest mean', formatUtilization(mean)],
            ['carried traffic', `${carried} of ${gpusPerNode}`],
          ];
    return {
      key: `node${node}/${kind}`,
      kind,
      rack,
      node,
      gpu: null,
      links: gpusPerNode,
      carried,
      mean,
      p99: best?.p99 ?? null,
      hottest: best?.id ?? null,
      tooltip: { title: `node ${node}: ${what}, the busiest shown`, rows },
    };
  };

  const perGpu = (detail ?? (nodes * gpusPerNode <= DETAIL_GPUS && gpusPerNode <= 16 ? 'gpu' : 'node')) === 'gpu';
  const drawnNodes = Math.min(nodes, MAX_DRAWN_NODES);
  const rackModels: RackModel[] = [];
  for (let r = 0; r < racks; r++) {
    const first = r * nodesPerRack;
    if (first >= drawnNodes) break;
    const rackNodes: NodeModel[] = [];
    for (let n = first; n < Math.min(drawnNodes, first + nodesPerRack); n++) {
      const cells = perGpu
        ? Array.from({ length: gpusPerNode }, (_, g) => kinds.map((k) => single(k, r, n, g, `node${n}/gpu${g}/${k}`, `node ${n} GPU ${g}: ${linkKindName(k, scaleUp)}`))).flat()
        : kinds.map((k) => aggregate(k, r, n));
      rackNodes.push({ node: n, rack: r, cells });
    }
    rackModels.push({
      rack: r,
      nodes: rackNodes,
      up: hasSpine ? single('spine-up', r, null, null, `rack${r}/spine-up`, `rack ${r}: uplink, leaf to spine`) : null,
      down: hasSpine ? single('spine-down', r, null, null, `rack${r}/spine-down`, `rack ${r}: downlink, spine to leaf`) : null,
    });
  }

  const notes: string[] = [];
  if (drawnNodes < nodes) notes.push(`The first ${formatCount(drawnNodes)} of ${formatCount(nodes)} nodes are drawn.`);
  if (!perGpu) notes.push(`${formatCount(nodes * gpusPerNode)} GPUs: each node is drawn once, each of its link kinds showing the busiest of its ${gpusPerNode} GPUs' links.`);
  if (capped) notes.push(`The result records the ${formatCount(RECORDED_LINKS)} busiest links; quieter ones are drawn as not recorded.`);
  if (unplaced > 0) notes.push(`${formatCount(unplaced)} recorded link${unplaced === 1 ? '' : 's'} could not be placed in this cluster's layout (first: ${firstUnplaced!.slice(0, 120)}).`);

  const rackText = hasSpine ? `in ${racks} racks (one leaf each), spine ${formatNumber(oversubscription)}:1 oversubscribed` : hasNic ? 'under one leaf' : 'with no inter-node fabric';
  const summary = `${formatCount(nodes)} node${nodes === 1 ? '' : 's'} × ${gpusPerNode} GPU${gpusPerNode === 1 ? '' : 's'} ${rackText}; ${formatCount(result.run.linksUsed)} of ${formatCount(result.run.links)} links carried traffic`;
  const reading = [
    perGpu ? `Per GPU: ${hasNic ? 'NIC out and in above it, ' : ''}${scaleUp} out and in below it` : `Per node: ${hasNic ? 'the busiest NIC out and in on top, ' : ''}the busiest ${scaleUp} out and in below`,
    hasSpine ? "each rack's uplink and downlink reach the spine" : null,
  ]
    .filter((t) => t !== null)
    .join('; ');
  return { detail: perGpu ? 'gpu' : 'node', nodes, gpusPerNode, drawnNodes, racks: rackModels, hasNic, hasSpine, scaleUp, summary, reading: `${reading}.`, notes };
}

/** The figure a cell is coloured by, or null when its links carried nothing. */
export function cellLoad(cell: Pick<LinkCell, 'mean' | 'p99'>, metric: LoadMetric): number | null {
  return metric === 'p99' ? cell.p99 : cell.mean;
}

/** Every cell of the model: the racks' spine links, then each node's. */
export function allCells(model: TopologyModel): LinkCell[] {
  return model.racks.flatMap((r) => [...(r.up ? [r.up] : []), ...(r.down ? [r.down] : []), ...r.nodes.flatMap((n) => n.cells)]);
}
