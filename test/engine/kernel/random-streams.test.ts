import { describe, expect, it } from 'vitest';
import { createRandomStreams } from '../../../engine/kernel/random-streams.js';

const draw = (f: () => number, n: number) => Array.from({ length: n }, f);

describe('createRandomStreams', () => {
  it('stream(name) gives the same draws for the same (seed, name)', () => {
    expect(draw(createRandomStreams(7).stream('arrivals'), 5)).toEqual(draw(createRandomStreams(7).stream('arrivals'), 5));
  });

  it('stream(name) draws do not depend on how much other streams drew', () => {
    const a = createRandomStreams(7);
    draw(a.stream('lengths'), 1000);
    const b = createRandomStreams(7);
    expect(draw(a.stream('arrivals'), 5)).toEqual(draw(b.stream('arrivals'), 5));
  });

  it('different seeds and different names give different draws', () => {
    const x = draw(createRandomStreams(1).stream('arrivals'), 5);
    expect(draw(createRandomStreams(2).stream('arrivals'), 5)).not.toEqual(x);
    expect(draw(createRandomStreams(1).stream('lengths'), 5)).not.toEqual(x);
  });

  it('draws lie in [0, 1)', () => {
    for (const u of draw(createRandomStreams(3).stream('u'), 10000)) {
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });
});
