import type { ReplicaUtilization, SimulationResult } from '../../../engine/simulation-result.js';
import { formatCount, formatPercent, formatRatio } from '../format.js';

/** One row of the utilisation strip: a measure across every replica. */
export interface StripRow {
  key: 'busyFraction' | 'kvOccupancyMean' | 'kvOccupancyPeak' | 'loadShare';
  label: string;
  /** 'fraction' rows are 0..1; 'share' is completed requests over an even share (1 = even). */
  scale: 'fraction' | 'share';
  /** `replica` is the cell's position; `label` names it ("3", or "3.1" for engine 1 of a pipelined replica 3). */
  cells: { replica: number; label: string; value: number; text: string }[];
}

export interface ReplicaStrip {
  replicas: number;
  rows: StripRow[];
  /** One sentence on how evenly the router spread the work. */
  summary: string;
  /** Most completed over fewest completed (1 = perfectly even); null for one replica. */
  imbalance: number | null;
}

/** Above this max/min ratio of completed requests the summary calls the spread uneven. */
export const IMBALANCE_WARNING = 1.2;

const ROWS: { key: 'busyFraction' | 'kvOccupancyMean' | 'kvOccupancyPeak'; label: string }[] = [
  { key: 'busyFraction', label: 'GPU busy' },
  { key: 'kvOccupancyMean', label: 'KV mean' },
  { key: 'kvOccupancyPeak', label: 'KV peak' },
];

/**
 * replicaStrip(result) -> rows of per-replica cells (busy, KV mean, KV peak, share of completed
 * requests) and a sentence naming the spread, so an imbalanced router stands out.
 */
export function replicaStrip(result: SimulationResult): ReplicaStrip {
  const replicas: ReplicaUtilization[] = result.utilization.perReplica;
  const pipelined = result.scenario.serving.pipelineParallelSize > 1;
  const nameOf = (r: ReplicaUtilization) => (pipelined ? `${r.replica}.${r.engine}` : String(r.replica));
  const rows: StripRow[] = ROWS.map(({ key, label }) => ({
    key,
    label,
    scale: 'fraction' as const,
    cells: replicas.map((r, i) => ({ replica: i, label: nameOf(r), value: r[key], text: formatPercent(r[key], 0) })),
  }));
  const totalCompleted = replicas.reduce((sum, r) => sum + r.completed, 0);
  const even = replicas.length > 0 ? totalCompleted / replicas.length : 0;
  rows.push({
    key: 'loadShare',
    label: 'Requests',
    scale: 'share',
    cells: replicas.map((r, i) => ({ replica: i, label: nameOf(r), value: even > 0 ? r.completed / even : 1, text: formatCount(r.completed) })),
  });
  return { replicas: replicas.length, rows, ...spread(replicas, nameOf) };
}

function spread(replicas: readonly ReplicaUtilization[], nameOf: (r: ReplicaUtilization) => string): { summary: string; imbalance: number | null } {
  if (replicas.length <= 1) return { summary: 'One replica: nothing to balance.', imbalance: null };
  const byCompleted = [...replicas].sort((a, b) => a.completed - b.completed);
  const least = byCompleted[0]!;
  const most = byCompleted[byCompleted.length - 1]!;
  const busy = replicas.map((r) => r.busyFraction);
  const imbalance = least.completed > 0 ? most.completed / least.completed : most.completed > 0 ? Infinity : 1;
  const range = `Requests per replica range from ${formatCount(least.completed)} (replica ${nameOf(least)}) to ${formatCount(most.completed)} (replica ${nameOf(most)})`;
  const busyRange = `busy time from ${formatPercent(Math.min(...busy), 0)} to ${formatPercent(Math.max(...busy), 0)}`;
  const verdict =
    imbalance >= IMBALANCE_WARNING
      ? `Uneven: replica ${nameOf(most)} served ${Number.isFinite(imbalance) ? formatRatio(imbalance) : 'all'} as many requests as replica ${nameOf(least)}.`
      : 'The router spreads the load evenly.';
  return { summary: `${range}, ${busyRange}. ${verdict}`, imbalance: Number.isFinite(imbalance) ? imbalance : null };
}
