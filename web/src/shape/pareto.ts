import type { SaturationComparison } from '../../../analyzers/saturation/saturation-result.js';

/** One configuration on the Pareto chart: tokens/s one user sees (x) against tokens/s per GPU (y). */
export interface ParetoPoint {
  index: number;
  label: string;
  perUser: number;
  perGpu: number;
  optimal: boolean;
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * paretoPoints(comparison) -> the configurations that have both figures (those whose saturation
 * rate was not found have neither and are left out), and `frontier`: the Pareto-optimal ones by
 * rising tokens/s/user, the line a reader follows.
 */
export function paretoPoints(comparison: SaturationComparison): { points: ParetoPoint[]; frontier: ParetoPoint[]; missing: string[] } {
  const points: ParetoPoint[] = [];
  const missing: string[] = [];
  comparison.configurations.forEach((c, index) => {
    if (finite(c.tokensPerSecondPerUser) && finite(c.tokensPerSecondPerGpu)) {
      points.push({ index, label: c.label, perUser: c.tokensPerSecondPerUser, perGpu: c.tokensPerSecondPerGpu, optimal: c.paretoOptimal });
    } else missing.push(c.label);
  });
  const frontier = points.filter((p) => p.optimal).sort((a, b) => a.perUser - b.perUser || b.perGpu - a.perGpu);
  return { points, frontier, missing };
}

/** paretoDomain(values) -> the axis extent of the data plus a margin of 8% of its span each side (not from 0, so close points separate). */
export function paretoDomain(values: readonly number[], margin = 0.08): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // One value (or all equal): pad by a share of the value itself, or 1 for zero.
  const pad = (hi > lo ? hi - lo : Math.abs(hi) || 1) * margin;
  return [lo - pad, hi + pad];
}

/**
 * nudgeLabels(ys, height, top, bottom) -> label centres moved apart vertically so no two boxes of
 * that height overlap: greedy from the top in order of y, then pushed back up from the bottom edge.
 * Every label is nudged whatever its x, which is simple and never lets two boxes meet.
 */
export function nudgeLabels(ys: readonly number[], height: number, top: number, bottom: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  const out = new Array<number>(ys.length);
  let prev = -Infinity;
  for (const o of order) {
    const y = Math.max(o.y, top + height / 2, prev + height);
    out[o.i] = prev = y;
  }
  let next = Infinity;
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!.i;
    out[i] = next = Math.min(out[i]!, bottom - height / 2, next - height);
  }
  return out;
}
