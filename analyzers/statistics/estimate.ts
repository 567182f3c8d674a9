import type { Estimate } from '../saturation/saturation-result.js';

/** Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30; beyond, the normal 1.96 is close enough. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
  2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Half-width multiplier of a 95% interval for n samples (0 for a single sample: no spread known). */
export function tMultiplier(n: number): number {
  if (n < 2) return 0;
  return T_975[n - 2] ?? 1.96;
}

/** Mean of `values` with its 95% confidence interval (Student t on the sample standard deviation). */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) throw new Error('estimate() needs at least one value');
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { mean, low: mean, high: mean };
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  const half = (tMultiplier(n) * Math.sqrt(sq / (n - 1))) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
}

/** Mean of the non-null values, or null when none is a number. */
export function meanOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    n++;
  }
  return n === 0 ? null : sum / n;
}
