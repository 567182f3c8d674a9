import type { Replica } from '../replica/replica.js';
import type { ClusterFabric, FabricMode } from './cluster-fabric.js';

/**
 * What the shared fabric did in one run, for results and the fabric analysis: every link that
 * carried traffic (its utilization over time and what filled it), each engine's communication share
 * and the stretch its steps waited beyond their closed-form time, and the coupling between engines
 * (whose traffic stretched whose steps).
 */
export interface LinkSummary {
  id: string;
  kind: string;
  /** Bytes per second, one direction. */
  capacityGBps: number;
  /** Time-weighted utilization over the run, and over the profile's buckets (p50, p99, max). */
  utilizationMean: number;
  utilizationP50: number;
  utilizationP99: number;
  utilizationMax: number;
  busyGB: number;
  /** What filled it, by traffic kind, largest first. */
  traffic: { tag: string; GB: number }[];
  /** Engines that sent over it. */
  engines: number;
  /** Node (scale-up and NIC links) or null (spine), and rack: where to draw it. */
  node: number | null;
  rack: number;
  /** Utilization per time bucket (the report's link x time heatmap). */
  profile: { bucketSeconds: number; utilization: number[] };
}

/** Every link that carried traffic, compactly, for drawing the topology (at most MAP_LINKS). */
export interface LinkLoad {
  id: string;
  kind: string;
  node: number | null;
  rack: number;
  utilizationMean: number;
  utilizationP99: number;
}

export interface EngineFabricSummary {
  engine: number;
  /** Share of its busy time spent communicating (closed-form collectives plus the stretch). */
  communicationShare: number;
  /** Seconds its steps waited for the fabric beyond their closed-form time, and how many steps did. */
  stretchSeconds: number;
  stretchedSteps: number;
  /** Bytes it put on the fabric. */
  flowGB: number;
  /** KV hand-offs it sent (disaggregated prefill), and their mean wait beyond an idle fabric's time. */
  handOffs: number;
  handOffWaitMeanSeconds: number;
}

export interface FabricSummary {
  mode: FabricMode;
  links: number;
  linksUsed: number;
  /** The highest p99 and mean utilization of any link: what `check` gates on (fabric.linkUtilizationP99). */
  linkUtilizationP99: number;
  linkUtilizationMean: number;
  /** The busiest links (by p99, then mean), at most HOTTEST_LINKS, with their time profiles. */
  hottest: LinkSummary[];
  /** Every link that carried traffic (the busiest MAP_LINKS when more did). */
  linkLoads: LinkLoad[];
  engines: EngineFabricSummary[];
  /**
   * coupling[i][j]: seconds engine i waited on the fabric (step stretch and KV hand-off waits)
   * attributed to engine j, by j's share of the
   * traffic on i's links over the run (i's own excluded). Null past COUPLING_LIMIT engines.
   */
  coupling: number[][] | null;
  flows: { recomputations: number; events: number };
}

export const HOTTEST_LINKS = 16;
export const COUPLING_LIMIT = 64;
export const MAP_LINKS = 4096;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function summarizeFabric(fabric: ClusterFabric, engines: readonly Replica[]): FabricSummary {
  const usages = fabric.network.usages();
  const topology = fabric.topology;
  const links: LinkSummary[] = usages.map((u) => {
    const link = topology.links[u.link]!;
    const profile = [...(u.profile?.utilization ?? [])].sort((a, b) => a - b);
    return {
      id: link.id,
      kind: link.kind,
      capacityGBps: link.capacity / 1e9,
      utilizationMean: u.meanUtilization,
      utilizationP50: quantile(profile, 0.5),
      utilizationP99: quantile(profile, 0.99),
      utilizationMax: u.peakUtilization,
      busyGB: u.busyBytes / 1e9,
      traffic: u.byTag.map((t) => ({ tag: t.tag, GB: t.bytes / 1e9 })).sort((a, b) => b.GB - a.GB || (a.tag < b.tag ? -1 : 1)),
      engines: u.byOwner.filter((o) => o.bytes > 0).length,
      node: link.node,
      rack: link.rack,
      profile: { bucketSeconds: u.profile?.bucketSeconds ?? 0, utilization: u.profile?.utilization ?? [] },
    };
  });
  const hottest = [...links].sort((a, b) => b.utilizationP99 - a.utilizationP99 || b.utilizationMean - a.utilizationMean || (a.id < b.id ? -1 : 1)).slice(0, HOTTEST_LINKS);

  const n = engines.length;
  let coupling: number[][] | null = null;
  if (n <= COUPLING_LIMIT) {
    // Per engine: the bytes every other engine sent over the links it used.
    const shared = Array.from({ length: n }, () => new Float64Array(n));
    for (const u of usages) {
      const owners = u.byOwner.filter((o) => o.bytes > 0 && o.owner < n);
      for (const i of owners) for (const j of owners) if (i.owner !== j.owner) shared[i.owner]![j.owner]! += j.bytes;
    }
    coupling = shared.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      const stretch = fabric.use[i]!.stretchSeconds + fabric.use[i]!.handOffWaitSeconds;
      return Array.from(row, (bytes) => (total > 0 ? (stretch * bytes) / total : 0));
    });
  }
  return {
    mode: fabric.mode,
    links: topology.links.length,
    linksUsed: links.length,
    linkUtilizationP99: links.reduce((m, l) => Math.max(m, l.utilizationP99), 0),
    linkUtilizationMean: links.reduce((m, l) => Math.max(m, l.utilizationMean), 0),
    hottest,
    linkLoads: [...links]
      .sort((a, b) => b.utilizationMean - a.utilizationMean || (a.id < b.id ? -1 : 1))
      .slice(0, MAP_LINKS)
      .map((l) => ({ id: l.id, kind: l.kind, node: l.node, rack: l.rack, utilizationMean: l.utilizationMean, utilizationP99: l.utilizationP99 })),
    engines: engines.map((e, i) => ({
      engine: i,
      communicationShare: e.busySeconds > 0 ? e.communicationSeconds / e.busySeconds : 0,
      stretchSeconds: fabric.use[i]!.stretchSeconds,
      stretchedSteps: fabric.use[i]!.stretchedSteps,
      flowGB: fabric.use[i]!.flowBytes / 1e9,
      handOffs: fabric.use[i]!.handOffs,
      handOffWaitMeanSeconds: fabric.use[i]!.handOffs > 0 ? fabric.use[i]!.handOffWaitSeconds / fabric.use[i]!.handOffs : 0,
    })),
    coupling,
    flows: { recomputations: fabric.network.recomputations, events: fabric.network.events },
  };
}
