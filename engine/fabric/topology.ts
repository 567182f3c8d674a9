import type { FabricSpec } from '../catalog/catalog-types.js';
import type { ClusterSpec } from '../scenario/scenario-types.js';

/**
 * The cluster as a graph of directed links, for the flow network (flow-network.ts) to share.
 *
 * - Scale-up domain, one per node: each GPU has one port into the node's switch fabric (NVSwitch,
 *   or AMD's Infinity Fabric mesh, or a PCIe switch) and one port out of it, at the intra-node
 *   fabric's GBpsPerGpu each way. The switch itself is non-blocking, so a GPU-to-GPU path inside a
 *   node is [sender's up port, receiver's down port]. MI300X reaches its 7 peers over 7 separate
 *   64 GB/s links; it is modelled at their 448 GB/s aggregate, which is right for collectives that
 *   spread over all peers and optimistic for one peer pair (catalog fabrics.ts says so too).
 * - One NIC per GPU (rail-optimized, as DGX nodes are built), at the inter-node fabric's
 *   gbpsPerGpu / 8 GB/s each way: "node1 nic5 -> leaf" and "leaf -> node1 nic5".
 * - One leaf (top-of-rack switch group) per rack, non-blocking inside: every NIC of a rack reaches
 *   every other through it. A rail-optimized fabric has one leaf per rail per rack; at flow level
 *   that split only decides which uplink a cross-rack flow takes, while it would send cross-rail
 *   traffic inside a rack over the spine (or over NVLink first, as NCCL's PXN does), which is a
 *   routing policy, not a capacity. One leaf per rack keeps the capacity that matters: the rack's
 *   uplink.
 * - Spine: per rack one uplink "rack0 leaf -> spine" and one downlink "spine -> rack0 leaf", each of
 *   the rack's total NIC capacity / oversubscription. The spine is non-blocking. One aggregate
 *   uplink assumes ECMP spreads flows evenly over the physical uplinks (hash collisions make real
 *   fabrics somewhat worse).
 *
 * Link latencies are the catalog's per-step latencies (NCCL's hwLat: NVLink 1.9 us, network 4 us);
 * a step from one GPU to another pays the largest latency on its path once (hopLatencySeconds), as
 * NCCL's model charges one step per GPU-to-GPU transfer whatever the number of cables.
 *
 * GPUs are numbered node-major: GPU g is local GPU g % gpusPerNode of node floor(g / gpusPerNode).
 */

/** Optional rack layout (the planned scenario key `cluster.topology`). */
export interface TopologyInput {
  /** Racks (leaf groups); default: as many as nodesPerRack needs, or 1. */
  racks?: number;
  /** Nodes under one leaf; default: all nodes spread evenly over `racks`. */
  nodesPerRack?: number;
  /** Spine: each rack's uplink is its NIC capacity / oversubscription (default: cluster.fabric.interNode.oversubscription). */
  spine?: { oversubscription?: number };
}

export type LinkKind = 'scale-up-out' | 'scale-up-in' | 'nic-out' | 'nic-in' | 'spine-up' | 'spine-down';

export interface FabricLink {
  readonly index: number;
  /** Reads well in reports: "node0/gpu3 nvlink up", "node1 nic5 -> leaf", "rack0 leaf -> spine". */
  readonly id: string;
  readonly kind: LinkKind;
  /** Bytes per second, one direction. */
  readonly capacity: number;
  /** Per-step latency of the link's technology, seconds. */
  readonly latencySeconds: number;
  /** The catalog fabric the link is made of (its bandwidth efficiency comes from there). */
  readonly fabric: FabricSpec;
  /** The node (scale-up and NIC links) or rack (spine links) the link belongs to. */
  readonly node: number | null;
  readonly rack: number;
}

export interface Topology {
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly gpus: number;
  readonly racks: number;
  readonly nodesPerRack: number;
  readonly oversubscription: number;
  readonly links: readonly FabricLink[];
  nodeOf(gpu: number): number;
  rackOf(node: number): number;
  /** Link indices from srcGpu to dstGpu: [] for the same GPU. Cached; do not mutate. */
  route(srcGpu: number, dstGpu: number): readonly number[];
  /** One step's latency over a path: the largest link latency on it (0 for an empty path). */
  hopLatencySeconds(path: readonly number[]): number;
}

/** The words a scale-up link is named with: "nvlink", "infinity-fabric", "pcie". */
function scaleUpWord(fabric: FabricSpec): string {
  return fabric.kind === 'infiniband' || fabric.kind === 'roce' ? 'scale-up' : fabric.kind;
}

/** How `nodes` nodes fall into racks under `input` (throws RangeError on a layout that leaves a rack empty or a node out). */
export function rackLayout(nodes: number, input: TopologyInput): { racks: number; nodesPerRack: number } {
  const { racks, nodesPerRack } = input;
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(`topology.${name}: expected an integer of at least 1, got ${value}`);
    }
  };
  positive('racks', racks);
  positive('nodesPerRack', nodesPerRack);
  if (racks === undefined && nodesPerRack === undefined) return { racks: 1, nodesPerRack: nodes };
  if (racks !== undefined && nodesPerRack === undefined) {
    if (racks > nodes) throw new RangeError(`topology.racks: expected at most the ${nodes} nodes (no empty rack), got ${racks}`);
    return { racks, nodesPerRack: Math.ceil(nodes / racks) };
  }
  if (racks === undefined) {
    const per = Math.min(nodesPerRack!, nodes);
    return { racks: Math.ceil(nodes / per), nodesPerRack: per };
  }
  const per = nodesPerRack!;
  if (racks * per < nodes) {
    throw new RangeError(`topology: ${racks} racks x ${per} nodes per rack hold ${racks * per} nodes, fewer than the cluster's ${nodes}`);
  }
  if ((racks - 1) * per >= nodes) {
    throw new RangeError(`topology: ${racks} racks of ${per} nodes leave a rack empty for ${nodes} nodes; expected at most ${Math.ceil(nodes / per)} racks`);
  }
  return { racks, nodesPerRack: per };
}

/**
 * buildTopology(cluster, input?) -> the link graph. Without an inter-node fabric the nodes have no
 * NICs and route() between nodes throws. Throws RangeError on an impossible rack layout.
 */
export function buildTopology(cluster: ClusterSpec, input: TopologyInput = {}): Topology {
  const { nodes, gpusPerNode } = cluster;
  const gpus = nodes * gpusPerNode;
  const intra = cluster.fabric.intraNode;
  const inter = cluster.fabric.interNode;
  const { racks, nodesPerRack } = rackLayout(nodes, input);
  const oversubscription = input.spine?.oversubscription ?? inter?.oversubscription ?? 1;
  if (!(oversubscription >= 1) || !Number.isFinite(oversubscription)) {
    throw new RangeError(`topology.spine.oversubscription: expected a number of at least 1, got ${oversubscription}`);
  }
  const rackOf = (node: number) => Math.floor(node / nodesPerRack);

  const links: FabricLink[] = [];
  const add = (link: Omit<FabricLink, 'index'>) => {
    links.push({ index: links.length, ...link });
  };
  // Layout (route() relies on it): scale-up out/in at 2g, 2g+1; NIC out/in at 2G+2g, 2G+2g+1;
  // spine up/down at 4G+2r, 4G+2r+1.
  const word = scaleUpWord(intra);
  const scaleUpBytes = intra.GBpsPerGpu * 1e9;
  for (let g = 0; g < gpus; g++) {
    const node = Math.floor(g / gpusPerNode);
    const name = `node${node}/gpu${g % gpusPerNode}`;
    const common = { capacity: scaleUpBytes, latencySeconds: intra.latencyUs * 1e-6, fabric: intra, node, rack: rackOf(node) };
    add({ id: `${name} ${word} up`, kind: 'scale-up-out', ...common });
    add({ id: `${name} ${word} down`, kind: 'scale-up-in', ...common });
  }
  const nicBase = links.length;
  const spineBase = nicBase + (inter === null ? 0 : 2 * gpus);
  if (inter !== null) {
    const nicBytes = (inter.gbpsPerGpu / 8) * 1e9;
    for (let g = 0; g < gpus; g++) {
      const node = Math.floor(g / gpusPerNode);
      const name = `node${node} nic${g % gpusPerNode}`;
      const common = { capacity: nicBytes, latencySeconds: inter.fabric.latencyUs * 1e-6, fabric: inter.fabric, node, rack: rackOf(node) };
      add({ id: `${name} -> leaf`, kind: 'nic-out', ...common });
      add({ id: `leaf -> ${name}`, kind: 'nic-in', ...common });
    }
    if (racks > 1) {
      for (let r = 0; r < racks; r++) {
        const rackNodes = Math.min(nodesPerRack, nodes - r * nodesPerRack);
        const capacity = (rackNodes * gpusPerNode * nicBytes) / oversubscription;
        const common = { capacity, latencySeconds: inter.fabric.latencyUs * 1e-6, fabric: inter.fabric, node: null, rack: r };
        add({ id: `rack${r} leaf -> spine`, kind: 'spine-up', ...common });
        add({ id: `spine -> rack${r} leaf`, kind: 'spine-down', ...common });
      }
    }
  }

  const routes = new Map<number, readonly number[]>();
  const checkGpu = (gpu: number, name: string) => {
    if (!(Number.isInteger(gpu) && gpu >= 0 && gpu < gpus)) throw new RangeError(`route: ${name} ${gpu} is not a GPU of this ${gpus}-GPU cluster`);
  };
  const route = (src: number, dst: number): readonly number[] => {
    const key = src * gpus + dst;
    const cached = routes.get(key);
    if (cached !== undefined) return cached;
    checkGpu(src, 'srcGpu');
    checkGpu(dst, 'dstGpu');
    let path: number[];
    if (src === dst) path = [];
    else {
      const srcNode = Math.floor(src / gpusPerNode);
      const dstNode = Math.floor(dst / gpusPerNode);
      if (srcNode === dstNode) path = [2 * src, 2 * dst + 1];
      else {
        if (inter === null) {
          throw new RangeError(`route: GPU ${src} (node ${srcNode}) to GPU ${dst} (node ${dstNode}) crosses nodes, but the cluster has no inter-node fabric`);
        }
        path = [nicBase + 2 * src];
        const srcRack = rackOf(srcNode);
        const dstRack = rackOf(dstNode);
        if (srcRack !== dstRack) path.push(spineBase + 2 * srcRack, spineBase + 2 * dstRack + 1);
        path.push(nicBase + 2 * dst + 1);
      }
    }
    Object.freeze(path);
    routes.set(key, path);
    return path;
  };

  return {
    nodes,
    gpusPerNode,
    gpus,
    racks,
    nodesPerRack,
    oversubscription,
    links,
    nodeOf: (gpu) => Math.floor(gpu / gpusPerNode),
    rackOf,
    route,
    hopLatencySeconds: (path) => {
      let worst = 0;
      for (const l of path) {
        const latency = links[l]!.latencySeconds;
        if (latency > worst) worst = latency;
      }
      return worst;
    },
  };
}
