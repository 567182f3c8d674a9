import { describe, expect, it } from 'vitest';
import { COMPARISON_CHARTS, comparisonLines, comparisonMarkers, fabricComparisonVerdict, fabricConfigurationRows } from '../../web/src/shape/fabric-comparison.js';
import { isFabricComparison } from '../../web/src/shape/fabric-links.js';
import { fabricComparison, pdFabric } from './fixtures/fabric.js';

describe('a fabric --vary comparison (web/src/shape/fabric-comparison)', () => {
  it('isFabricComparison(result) tells the two shapes of kind "fabric" apart', () => {
    expect(isFabricComparison(fabricComparison())).toBe(true);
    expect(isFabricComparison(pdFabric())).toBe(false);
  });

  it('fabricConfigurationRows(comparison) -> a row per measure, a cell per configuration', () => {
    const rows = fabricConfigurationRows(fabricComparison());
    expect(rows.map((r) => [r.key, ...r.cells])).toEqual([
      ['overrides', 'cluster.topology.spine.oversubscription=1', 'cluster.topology.spine.oversubscription=4'],
      ['linkP99', '65%', '94%'],
      ['hottest', 'leaf -> node3 nic0 (kv-transfer)', 'rack0 leaf -> spine (kv-transfer)'],
      ['communicationShare', '3.3%', '3.3%'],
      ['stretchShare', '0.00%', '0.00%'],
      ['handOffWait', '185 ms', '185 ms'],
      ['perNode', '80%, 35% (healthy)', '80%, 35% (healthy)'],
      ['hidden', 'no', 'yes'],
      ['onset', '75.0 req/s: link p99 utilization 94% (leaf -> node3 nic0)', '60.0 req/s: link p99 utilization 94% (rack0 leaf -> spine)'],
      ['sloBreak', '90.0 req/s', '75.0 req/s'],
    ]);
  });

  it('comparisonLines and comparisonMarkers overlay the configurations, keyed result-<index>, each onset and SLO break labelled', () => {
    const c = fabricComparison();
    expect(COMPARISON_CHARTS.map((x) => x.key)).toEqual(['linkP99', 'gpuBusy', 'communicationShare', 'ttftP99']);
    expect(comparisonLines(c.configurations, COMPARISON_CHARTS[0]!).map((l) => [l.key, l.label, l.points.length])).toEqual([
      ['result-0', 'oversubscription=1', 7],
      ['result-1', 'oversubscription=4', 7],
    ]);
    expect(comparisonMarkers(c.configurations).map((m) => [m.seriesKey, m.key, m.rate, m.label])).toEqual([
      ['result-0', 'onset', 75, 'oversubscription=1: onset 75.0 req/s'],
      ['result-0', 'saturation', 90, 'oversubscription=1: SLO breaks 90.0 req/s'],
      ['result-1', 'onset', 60, 'oversubscription=4: onset 60.0 req/s'],
      ['result-1', 'saturation', 75, 'oversubscription=4: SLO breaks 75.0 req/s'],
    ]);
  });

  it('fabricComparisonVerdict(comparison) names the latest onset, where the per-node view hides pressure, and the refused', () => {
    expect(fabricComparisonVerdict(fabricComparison())).toEqual({
      status: 'missed',
      text: "Fabric pressure begins latest with oversubscription=1, at 75.0 req/s; hidden from the per-node view at today's load: oversubscription=4; 1 refused",
    });
  });
});
