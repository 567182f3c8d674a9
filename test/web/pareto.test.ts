import { describe, expect, it } from 'vitest';
import { nudgeLabels } from '../../web/src/shape/label-layout.js';
import { paretoDomain, paretoPoints } from '../../web/src/shape/pareto.js';
import { chatScenario, varyFixture } from './fixtures/results.js';

describe('paretoPoints', () => {
  it('paretoPoints(comparison) places every configuration and runs the frontier through the optimal ones by tokens/s/user', () => {
    const comparison = varyFixture(chatScenario());
    const { points, frontier, missing } = paretoPoints(comparison);
    expect(points.map((p) => [p.label, p.perUser, p.perGpu, p.optimal])).toEqual([
      ['serving.maxNumSeqs=64', 75, 2100, true],
      ['serving.maxNumSeqs=128', 60, 2400, false],
      ['serving.maxNumSeqs=256', 55, 3600, true],
    ]);
    expect(frontier.map((p) => p.perUser)).toEqual([55, 75]);
    expect(missing).toEqual([]);
  });

  it('paretoPoints leaves out (and names) configurations without a saturation rate', () => {
    const comparison = varyFixture(chatScenario());
    comparison.configurations[1] = { ...comparison.configurations[1]!, tokensPerSecondPerGpu: null, tokensPerSecondPerUser: null };
    const { points, missing } = paretoPoints(comparison);
    expect(points).toHaveLength(2);
    expect(missing).toEqual(['serving.maxNumSeqs=128']);
  });
});

describe('Pareto axes and labels', () => {
  it('paretoDomain zooms to the data with an 8% margin, not from 0', () => {
    expect(paretoDomain([2100, 2400, 3600])).toEqual([2100 - 120, 3600 + 120]);
    expect(paretoDomain([50])).toEqual([46, 54]);
    expect(paretoDomain([0, 0])).toEqual([-0.08, 0.08]);
  });

  it('nudgeLabels keeps labels in place when apart and pushes overlapping ones apart, inside the plot', () => {
    expect(nudgeLabels([10, 100, 200], 16, 0, 300)).toEqual([10, 100, 200]);
    const ys = nudgeLabels([100, 102, 101, 299, 300], 16, 0, 300);
    const sorted = [...ys].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(16 - 1e-9);
    expect(Math.max(...ys)).toBeLessThanOrEqual(300 - 8);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(8);
    // Order by y is kept: 100 stays above 101 above 102.
    expect(ys[0]!).toBeLessThan(ys[2]!);
    expect(ys[2]!).toBeLessThan(ys[1]!);
  });
});

