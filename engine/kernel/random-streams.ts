/// <reference path="./seedrandom-alea.d.ts" />
// Alea alone: seedrandom's main module also loads five other generators and node:crypto.
import aleaGenerator from 'seedrandom/lib/alea.js';

/** A source of uniform numbers in [0, 1). Distributions take one of these and nothing else. */
export type RandomSource = () => number;

/**
 * Named, independently seeded streams: stream("arrivals") depends only on (seed, "arrivals"), so
 * changing how one concern draws never reshuffles another's draws (common random numbers).
 */
export interface RandomStreams {
  readonly seed: number;
  stream(name: string): RandomSource;
}

export function createRandomStreams(seed: number): RandomStreams {
  const made = new Map<string, RandomSource>();
  return {
    seed,
    stream(name: string): RandomSource {
      let source = made.get(name);
      if (source === undefined) {
        const alea = aleaGenerator(`${seed}/${name}`);
        source = () => alea();
        made.set(name, source);
      }
      return source;
    },
  };
}
