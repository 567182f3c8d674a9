import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../web/src/format.js';
import { configurationRows } from '../../web/src/shape/configurations.js';
import { chatScenario, costFixture, varyFixture, withoutCalibration } from './fixtures/results.js';

describe('configurationRows (the --vary side-by-side table)', () => {
  it('one row per measure with a cell per configuration; no cost row when no configuration is priced', () => {
    const comparison = varyFixture(chatScenario());
    const rows = configurationRows(comparison);
    expect(rows.map((r) => r.key)).toEqual(['overrides', 'gpus', 'saturation', 'goodput', 'perGpu', 'perUser', 'pareto', 'bottleneck', 'calibration']);
    for (const row of rows) expect(row.cells).toHaveLength(comparison.configurations.length);
    expect(rows.find((r) => r.key === 'overrides')!.cells).toEqual(['serving.maxNumSeqs=64', 'serving.maxNumSeqs=128', 'serving.maxNumSeqs=256']);
    expect(rows.find((r) => r.key === 'pareto')!.cells).toEqual(['yes', 'no', 'yes']);
  });

  it('a "$ / 1M output tokens at saturation" row when any configuration has a cost, a dash for those without', () => {
    const comparison = varyFixture(chatScenario());
    const costs = [costFixture(1, 2100 * 1), null, costFixture(1, 3600)];
    const priced = { ...comparison, configurations: comparison.configurations.map((c, i) => ({ ...c, costAtSaturation: costs[i]! })) };
    const row = configurationRows(priced).find((r) => r.key === 'cost')!;
    expect(row.label).toBe('$ / 1M output tokens at saturation');
    expect(row.cells).toEqual([formatUsd(costs[0]!.usdPerMillionOutputTokens), '–', formatUsd(costs[2]!.usdPerMillionOutputTokens)]);
    expect(row.cells[0]).toBe('$0.331');
    // It sits after the measures and before the calibration.
    expect(configurationRows(priced).map((r) => r.key).slice(-2)).toEqual(['cost', 'calibration']);
  });

  it('older files (no costAtSaturation, no calibration) get neither row', () => {
    const comparison = varyFixture(chatScenario());
    const older = {
      ...comparison,
      configurations: comparison.configurations.map((c) => {
        const copy: Partial<typeof c> = { ...c, result: withoutCalibration(c.result) };
        delete copy.costAtSaturation;
        return copy as typeof c;
      }),
    };
    expect(configurationRows(older).map((r) => r.key)).toEqual(['overrides', 'gpus', 'saturation', 'goodput', 'perGpu', 'perUser', 'pareto', 'bottleneck']);
  });
});
