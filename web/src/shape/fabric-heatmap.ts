import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { formatNumber, formatSeconds } from '../format.js';
import { finite, formatUtilization, linkKindName, utilization } from './fabric-links.js';
import type { TimePoint } from './time-series.js';

/**
 * The link x time heatmap: one row per hottest link (run.hottest, busiest first), one cell per
 * time bucket of its utilization profile. When a window holds more buckets than the chart has
 * columns, neighbouring buckets merge into one cell showing their maximum, so a burst is never
 * averaged away. Pure and DOM-free.
 */

/** Most rows and buckets a row keeps (the report's input bounds: 16 links, 1,024 buckets). */
export const HEATMAP_ROWS = 16;
export const HEATMAP_BUCKETS = 1024;

export interface HeatmapRow {
  /** Stable and made by the report: "link-0" is the hottest. */
  key: string;
  id: string;
  kind: string;
  /** What filled the link most, and how much ("kv-transfer 7,894 GB"). */
  traffic: string;
  p99: number;
  mean: number;
  bucketSeconds: number;
  values: number[];
}

/** heatmapRows(result) -> the hottest links with their profiles, bounded, every value finite and non-negative. */
export function heatmapRows(result: Pick<FabricResult, 'run'>): HeatmapRow[] {
  return result.run.hottest.slice(0, HEATMAP_ROWS).map((h, i) => {
    const bucket = finite(h.profile?.bucketSeconds) && h.profile.bucketSeconds > 0 ? h.profile.bucketSeconds : 0;
    const values = bucket > 0 && Array.isArray(h.profile?.utilization) ? h.profile.utilization.slice(0, HEATMAP_BUCKETS).map(utilization) : [];
    return {
      key: `link-${i}`,
      id: String(h.id),
      kind: String(h.kind),
      traffic: h.traffic.slice(0, 3).map((t) => `${t.tag} ${formatNumber(t.GB)} GB`).join(', '),
      p99: utilization(h.utilizationP99),
      mean: utilization(h.utilizationMean),
      bucketSeconds: bucket,
      values,
    };
  });
}

/** heatmapExtent(rows) -> [0, the end of the longest profile] in seconds; [0, 1] when there is none. */
export function heatmapExtent(rows: readonly HeatmapRow[]): [number, number] {
  const end = Math.max(0, ...rows.map((r) => r.values.length * r.bucketSeconds));
  return [0, end > 0 ? end : 1];
}

/** One drawn cell: a row, a time span, the highest utilization in it and how many buckets it merges. */
export interface HeatCell {
  row: number;
  t0: number;
  t1: number;
  value: number;
  buckets: number;
  title: string;
}

/**
 * heatmapCells(rows, domain, maxColumns) -> the cells that meet the window [t0, t1], at most about
 * maxColumns per row: k neighbouring buckets merge (their maximum), k chosen per row so the
 * window's buckets fit.
 */
export function heatmapCells(rows: readonly HeatmapRow[], domain: readonly [number, number], maxColumns: number): HeatCell[] {
  const [d0, d1] = domain;
  const cells: HeatCell[] = [];
  rows.forEach((r, row) => {
    const b = r.bucketSeconds;
    if (b <= 0 || r.values.length === 0) return;
    const first = Math.max(0, Math.floor(d0 / b));
    const last = Math.min(r.values.length - 1, Math.ceil(d1 / b) - 1);
    if (last < first) return;
    const k = Math.max(1, Math.ceil((last - first + 1) / Math.max(1, Math.floor(maxColumns))));
    for (let i = first; i <= last; i += k) {
      const end = Math.min(last, i + k - 1);
      let value = 0;
      for (let j = i; j <= end; j++) value = Math.max(value, r.values[j]!);
      const t0 = i * b;
      const t1 = (end + 1) * b;
      const merged = end - i + 1;
      cells.push({ row, t0, t1, value, buckets: merged, title: `${r.id}, ${formatSeconds(t0)} to ${formatSeconds(t1)}: ${formatUtilization(value)}${merged > 1 ? ` (the highest of ${merged} buckets)` : ''}` });
    }
  });
  return cells;
}

/** heatmapOverview(rows) -> the busiest link's utilization per bucket (any row at the first row's bucket size), for the brush strip. */
export function heatmapOverview(rows: readonly HeatmapRow[]): TimePoint[] {
  const base = rows.find((r) => r.bucketSeconds > 0 && r.values.length > 0);
  if (!base) return [];
  const same = rows.filter((r) => r.bucketSeconds === base.bucketSeconds);
  const length = Math.max(...same.map((r) => r.values.length));
  return Array.from({ length }, (_, i) => ({ t0: i * base.bucketSeconds, t1: (i + 1) * base.bucketSeconds, value: Math.max(0, ...same.map((r) => r.values[i] ?? 0)) }));
}

/** rowTitle(row, scaleUp) -> a row's full description for its label's tooltip. */
export function rowTitle(row: HeatmapRow, scaleUp = 'scale-up'): string {
  return `${row.id}: ${linkKindName(row.kind, scaleUp)}, p99 ${formatUtilization(row.p99)}, mean ${formatUtilization(row.mean)}${row.traffic ? `, carrying ${row.traffic}` : ''}`;
}
