import { exponential, gamma } from '../kernel/distributions.js';
import type { RandomSource } from '../kernel/random-streams.js';

/** Inter-arrival gaps of an open-loop process: Poisson (exponential gaps) or gamma with a CV. */
export function interarrivalSampler(
  spec: { process: 'poisson'; rate: number } | { process: 'gamma'; rate: number; cv: number },
  source: RandomSource,
): () => number {
  return spec.process === 'poisson' ? exponential(source, 1 / spec.rate) : gamma(source, 1 / spec.rate, spec.cv);
}
