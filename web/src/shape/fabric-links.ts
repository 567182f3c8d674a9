import type { FabricComparison, FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { formatPercent } from '../format.js';

/**
 * What the fabric views share: the link kinds as the engine names them (engine/fabric/topology.ts),
 * their names in words, and the figure a link is coloured by. Pure and DOM-free.
 */

export type LinkKind = 'scale-up-out' | 'scale-up-in' | 'nic-out' | 'nic-in' | 'spine-up' | 'spine-down';
export const LINK_KINDS: readonly LinkKind[] = ['scale-up-out', 'scale-up-in', 'nic-out', 'nic-in', 'spine-up', 'spine-down'];

export function isLinkKind(kind: unknown): kind is LinkKind {
  return typeof kind === 'string' && (LINK_KINDS as readonly string[]).includes(kind);
}

/** A link's utilization is read as its p99 over the run's time buckets, or its time-weighted mean. */
export type LoadMetric = 'p99' | 'mean';

/** A link is under pressure from this p99 utilization (the analysis' LINK_PRESSURE). */
export const LINK_PRESSURE = 0.8;
/** Steps waiting on shared links for this share of busy time is pressure (STRETCH_PRESSURE). */
export const STRETCH_PRESSURE = 0.05;

export const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
/** A utilization as drawn: finite, at least 0 (a flow-level model may round a hair above 1). */
export const utilization = (n: unknown): number => (finite(n) && n > 0 ? n : 0);

/** The scale-up fabric in words, from the catalog kind of cluster.fabric.intraNode. */
export function scaleUpName(result: Pick<FabricResult, 'scenario'>): string {
  const kind = (result.scenario.cluster.fabric.intraNode as { kind?: unknown }).kind;
  return kind === 'nvlink' ? 'NVLink' : kind === 'infinity-fabric' ? 'Infinity Fabric' : kind === 'pcie' ? 'PCIe' : 'scale-up';
}

/** linkKindName('nic-out', 'NVLink') -> "NIC out (to the leaf)". */
export function linkKindName(kind: string, scaleUp = 'scale-up'): string {
  switch (kind) {
    case 'scale-up-out':
      return `${scaleUp} out (GPU to switch)`;
    case 'scale-up-in':
      return `${scaleUp} in (switch to GPU)`;
    case 'nic-out':
      return 'NIC out (to the leaf)';
    case 'nic-in':
      return 'NIC in (from the leaf)';
    case 'spine-up':
      return 'rack uplink (leaf to spine)';
    case 'spine-down':
      return 'rack downlink (spine to leaf)';
    default:
      return kind;
  }
}

/** Where a link of this kind sits, for a sentence: "the spine", "a NIC", "the NVLink switch". */
export function linkPlace(kind: string, scaleUp = 'scale-up'): string {
  if (kind === 'spine-up' || kind === 'spine-down') return 'the spine';
  if (kind === 'nic-out' || kind === 'nic-in') return 'a NIC link';
  if (kind === 'scale-up-out' || kind === 'scale-up-in') return `the ${scaleUp} fabric inside a node`;
  return 'a link';
}

/** formatUtilization(0.9397) -> "94%"; a missing figure -> "–". */
export function formatUtilization(fraction: number | null | undefined): string {
  return formatPercent(fraction, 0);
}

/** isFabricComparison(result) -> true for `headroom fabric --vary` (configurations), false for one analysis. */
export function isFabricComparison(result: FabricResult | FabricComparison): result is FabricComparison {
  return Array.isArray((result as Partial<FabricComparison>).configurations);
}

/** Engines that hand KV over (disaggregated prefill) exist in this run. */
export function hasHandOffs(result: Pick<FabricResult, 'run'>): boolean {
  return result.run.engines.some((e) => finite(e.handOffs) && e.handOffs > 0);
}
