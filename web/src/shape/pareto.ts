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
