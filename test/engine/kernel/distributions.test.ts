import { describe, expect, it } from 'vitest';
import { empirical, exponential, gamma, lognormal, uniformInteger } from '../../../engine/kernel/distributions.js';
import { createRandomStreams } from '../../../engine/kernel/random-streams.js';

function moments(sample: () => number, n = 200_000) {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = sample();
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(sq / n - mean * mean) };
}

const source = () => createRandomStreams(11).stream('test');

function expectWithin(observed: number, expected: number, relTol: number, what: string) {
  const err = Math.abs(observed - expected) / expected;
  expect(err, `${what}: observed ${observed}, expected ${expected}, tolerance ${relTol * 100}%`).toBeLessThanOrEqual(relTol);
}

describe('distributions', () => {
  it('exponential(mean) has that mean and sd = mean', () => {
    const m = moments(exponential(source(), 2.5));
    expectWithin(m.mean, 2.5, 0.01, 'mean');
    expectWithin(m.sd, 2.5, 0.02, 'sd');
  });

  it.each([0.5, 1, 2, 4])('gamma(mean 3, cv %s) has mean 3 and sd = 3 x cv', (cv) => {
    const m = moments(gamma(source(), 3, cv));
    expectWithin(m.mean, 3, 0.02, 'mean');
    expectWithin(m.sd, 3 * cv, 0.05, 'sd');
  });

  it('lognormal(mean, sd) matches the mean and sd of the variable itself', () => {
    const m = moments(lognormal(source(), 1024, 512));
    expectWithin(m.mean, 1024, 0.01, 'mean');
    expectWithin(m.sd, 512, 0.03, 'sd');
  });

  it('uniformInteger(min, max) covers both ends and nothing outside', () => {
    const u = uniformInteger(source(), 3, 6);
    const seen = new Set(Array.from({ length: 1000 }, u));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('empirical(samples) draws only given samples, each about equally often', () => {
    const e = empirical(source(), [10, 20, 30, 40]);
    const counts = new Map<number, number>();
    for (let i = 0; i < 40_000; i++) {
      const x = e();
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([10, 20, 30, 40]);
    for (const c of counts.values()) expectWithin(c, 10_000, 0.05, 'count');
  });
});
