import { describe, expect, it } from 'vitest';
import { paretoPoints } from '../../web/src/shape/pareto.js';
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
