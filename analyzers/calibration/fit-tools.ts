import { quantile } from 'simple-statistics';

/**
 * The small numerical kit every calibration fit uses: relative-error summaries, a log-ratio loss
 * (relative error, symmetric in over- and under-prediction) and a deterministic Nelder-Mead
 * minimiser, with the transforms that keep fitted fractions in (0, 1).
 */

export interface ErrorSummary {
  rows: number;
  /** Median of |predicted / observed - 1|. */
  median: number;
  p90: number;
  max: number;
}

export function relativeErrors(predicted: readonly number[], observed: readonly number[]): number[] {
  return predicted.map((value, index) => Math.abs(value / (observed[index] as number) - 1));
}

export function summarizeErrors(errors: readonly number[]): ErrorSummary {
  if (errors.length === 0) throw new Error('summarizeErrors: no rows');
  return {
    rows: errors.length,
    median: quantile([...errors], 0.5),
    p90: quantile([...errors], 0.9),
    max: Math.max(...errors),
  };
}

export function formatSummary(label: string, s: ErrorSummary): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  return `${label}: ${s.rows} rows, median ${pct(s.median)}, p90 ${pct(s.p90)}, max ${pct(s.max)}`;
}

/** Sum of squared log ratios: relative error, symmetric in over- and under-prediction. */
export function logLoss(predicted: readonly number[], observed: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < predicted.length; i++) {
    const r = Math.log((predicted[i] as number) / (observed[i] as number));
    sum += r * r;
  }
  return Number.isFinite(sum) ? sum : Infinity;
}

// ---------------------------------------------------------------- optimiser

/** Nelder-Mead simplex minimisation: deterministic, derivative-free, enough for 3-5 parameters. */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], step = 0.5, iterations = 3000): number[] {
  const n = x0.length;
  let simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: f([...x0]) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] = (x[i] as number) + step;
    simplex.push({ x, v: f(x) });
  }
  const combine = (a: number[], b: number[], t: number): number[] => a.map((ai, i) => ai + t * ((b[i] as number) - ai));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0] as { x: number[]; v: number };
    const worst = simplex[n] as { x: number[]; v: number };
    const second = simplex[n - 1] as { x: number[]; v: number };
    if (Math.abs(worst.v - best.v) <= 1e-12 * (Math.abs(best.v) + 1e-12)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + ((simplex[i] as { x: number[] }).x[j] as number) / n;
    const reflected = combine(centroid, worst.x, -1);
    const vr = f(reflected);
    if (vr < best.v) {
      const expanded = combine(centroid, worst.x, -2);
      const ve = f(expanded);
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < second.v) {
      simplex[n] = { x: reflected, v: vr };
    } else {
      const contracted = vr < worst.v ? combine(centroid, reflected, 0.5) : combine(centroid, worst.x, 0.5);
      const vc = f(contracted);
      if (vc < Math.min(vr, worst.v)) {
        simplex[n] = { x: contracted, v: vc };
      } else {
        simplex = simplex.map((vertex, index) => {
          if (index === 0) return vertex;
          const x = combine(best.x, vertex.x, 0.5);
          return { x, v: f(x) };
        });
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return (simplex[0] as { x: number[] }).x;
}

export const logistic = (z: number): number => 1 / (1 + Math.exp(-z));
export const logit = (p: number): number => Math.log(p / (1 - p));

