import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxMinRates } from '../../../engine/fabric/max-min-rates.js';

/** A small random fabric: link capacities and flows as distinct, non-empty sets of links. */
const fabricAndFlows = fc
  .array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 })
  .chain((capacities) =>
    fc.record({
      capacities: fc.constant(capacities),
      paths: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: capacities.length - 1 }), { minLength: 1, maxLength: capacities.length }), {
        minLength: 1,
        maxLength: 12,
      }),
    }),
  );

const TOLERANCE = 1e-9;

describe('maxMinRates(paths, capacity): max-min fair rates by progressive filling', () => {
  it('gives one flow on a link the whole link', () => {
    expect(maxMinRates([[0]], () => 450e9)).toEqual([450e9]);
  });

  it('gives n equal flows on one link 1/n of it each', () => {
    for (const n of [2, 3, 7, 64]) {
      const rates = maxMinRates(Array.from({ length: n }, () => [0]), () => 100);
      for (const rate of rates) expect(rate).toBeCloseTo(100 / n, 12);
    }
  });

  it('lets a flow that a slow link holds back leave the rest of a shared link to the others', () => {
    // Link 0 (100) carries flows A and B; B also crosses link 1 (10): B gets 10, A the other 90.
    expect(maxMinRates([[0], [0, 1]], (l) => (l === 0 ? 100 : 10))).toEqual([90, 10]);
  });

  it('refuses a flow that crosses no link and a link without capacity', () => {
    expect(() => maxMinRates([[]], () => 1)).toThrow(/crosses no link/);
    expect(() => maxMinRates([[0]], () => 0)).toThrow(/capacity 0/);
  });

  it('never loads a link past its capacity (any small fabric, any flows)', () => {
    fc.assert(
      fc.property(fabricAndFlows, ({ capacities, paths }) => {
        const rates = maxMinRates(paths, (l) => capacities[l]!);
        capacities.forEach((cap, l) => {
          const load = paths.reduce((sum, path, f) => sum + (path.includes(l) ? rates[f]! : 0), 0);
          expect(load).toBeLessThanOrEqual(cap * (1 + TOLERANCE));
        });
      }),
    );
  });

  it('gives every flow a saturated link on which no other flow has a higher rate (the max-min bottleneck condition)', () => {
    fc.assert(
      fc.property(fabricAndFlows, ({ capacities, paths }) => {
        const rates = maxMinRates(paths, (l) => capacities[l]!);
        paths.forEach((path, f) => {
          expect(rates[f]!).toBeGreaterThan(0);
          const bottleneck = path.some((l) => {
            const crossing = paths.map((p, g) => (p.includes(l) ? g : -1)).filter((g) => g >= 0);
            const load = crossing.reduce((sum, g) => sum + rates[g]!, 0);
            const saturated = load >= capacities[l]! * (1 - TOLERANCE);
            return saturated && crossing.every((g) => rates[g]! <= rates[f]! * (1 + TOLERANCE));
          });
          expect(bottleneck, `flow ${f} on [${path.join(', ')}] at rate ${rates[f]} has no bottleneck link`).toBe(true);
        });
      }),
    );
  });

  it('is the same whatever the order of the flows (rates follow their flows)', () => {
    fc.assert(
      fc.property(fabricAndFlows, ({ capacities, paths }) => {
        const forward = maxMinRates(paths, (l) => capacities[l]!);
        const backward = maxMinRates([...paths].reverse(), (l) => capacities[l]!).reverse();
        forward.forEach((rate, f) => expect(Math.abs(backward[f]! - rate)).toBeLessThanOrEqual(rate * TOLERANCE));
      }),
    );
  });
});
