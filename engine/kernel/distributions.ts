import type { RandomSource } from './random-streams.js';

/**
 * Samplers over an injected uniform source. Each returns a function that draws one value.
 * Parameters are validated by the scenario schema; these assume sane inputs.
 */

/** Exponential with the given mean. */
export function exponential(source: RandomSource, mean: number): () => number {
  return () => -mean * Math.log(1 - source());
}

/** Standard normal by Box-Muller, caching the second value of each pair. */
export function standardNormal(source: RandomSource): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u1 = 1 - source();
    const u2 = source();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/** Gamma with shape k and unit scale (Marsaglia & Tsang 2000; k < 1 via the U^(1/k) boost). */
function standardGamma(source: RandomSource, k: number): () => number {
  const normal = standardNormal(source);
  const boost = k < 1;
  const a = boost ? k + 1 : k;
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return () => {
    let x: number;
    for (;;) {
      const z = normal();
      const v0 = 1 + c * z;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - source();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        x = d * v;
        break;
      }
    }
    return boost ? x * Math.pow(1 - source(), 1 / k) : x;
  };
}

/** Gamma with the given mean and coefficient of variation (cv = 1 is exponential). */
export function gamma(source: RandomSource, mean: number, cv: number): () => number {
  const k = 1 / (cv * cv);
  const scale = mean / k;
  const g = standardGamma(source, k);
  return () => g() * scale;
}

/** Lognormal with the given mean and standard deviation of the variable itself (not of its log). */
export function lognormal(source: RandomSource, mean: number, sd: number): () => number {
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
  const mu = Math.log(mean) - sigma2 / 2;
  const sigma = Math.sqrt(sigma2);
  const normal = standardNormal(source);
  return () => Math.exp(mu + sigma * normal());
}

/** Uniform on [min, max]. */
export function uniform(source: RandomSource, min: number, max: number): () => number {
  return () => min + (max - min) * source();
}

/** Uniform integer on [min, max], both ends included. */
export function uniformInteger(source: RandomSource, min: number, max: number): () => number {
  const span = max - min + 1;
  return () => min + Math.floor(source() * span);
}

/** Draws one of the given samples, each equally likely (an empirical distribution). */
export function empirical(source: RandomSource, samples: ArrayLike<number>): () => number {
  const n = samples.length;
  if (n === 0) throw new Error('empirical distribution needs at least one sample');
  return () => samples[Math.floor(source() * n)]!;
}
