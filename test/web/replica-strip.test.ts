import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { IMBALANCE_WARNING, replicaStrip } from '../../web/src/shape/replica-strip.js';
import { fourReplicas, simulated } from './fixtures/results.js';

describe('replicaStrip', () => {
  it('replicaStrip(result) has four rows (busy, KV mean, KV peak, requests) with a cell per replica', () => {
    const result = fourReplicas();
    const strip = replicaStrip(result);
    expect(strip.rows.map((r) => r.key)).toEqual(['busyFraction', 'kvOccupancyMean', 'kvOccupancyPeak', 'loadShare']);
    for (const row of strip.rows) expect(row.cells).toHaveLength(4);
    const shares = strip.rows[3]!.cells.map((c) => c.value);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 9);
  });

  it('replicaStrip(result) names an uneven router: the most-loaded replica and the ratio', () => {
    const result = fourReplicas();
    const skewed: SimulationResult = {
      ...result,
      utilization: { ...result.utilization, perReplica: result.utilization.perReplica.map((r, i) => ({ ...r, completed: i === 2 ? 900 : 200 })) },
    };
    const strip = replicaStrip(skewed);
    expect(strip.imbalance).toBeCloseTo(4.5, 9);
    expect(strip.imbalance!).toBeGreaterThan(IMBALANCE_WARNING);
    expect(strip.summary).toContain('Uneven: replica 2 served 4.50×');
  });

  it('replicaStrip(result) says there is nothing to balance for one replica', () => {
    const strip = replicaStrip(simulated());
    expect(strip.imbalance).toBeNull();
    expect(strip.summary).toBe('One replica: nothing to balance.');
  });
});
