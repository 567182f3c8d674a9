import { empirical, lognormal, uniformInteger } from '../kernel/distributions.js';
import type { RandomSource } from '../kernel/random-streams.js';
import type { LengthSpec } from '../scenario/scenario-types.js';

/** A sampler of token counts (integers >= 1) for a length distribution of the scenario. */
export function lengthSampler(spec: LengthSpec, source: RandomSource, samples: Int32Array | null): () => number {
  switch (spec.dist) {
    case 'fixed': {
      const value = spec.value;
      return () => value;
    }
    case 'uniform':
      return uniformInteger(source, spec.min, spec.max);
    case 'lognormal': {
      const draw = lognormal(source, spec.mean, spec.sd);
      return () => Math.max(1, Math.round(draw()));
    }
    case 'empirical': {
      if (samples === null) throw new Error(`empirical lengths from ${spec.file} were not loaded`);
      return empirical(source, samples);
    }
  }
}
