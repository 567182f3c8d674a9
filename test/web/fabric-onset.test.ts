import { describe, expect, it } from 'vitest';
import { fabricPointRows, onsetLatencyLines, onsetMarkers, onsetSentences, onsetSignalLines, sortedPoints } from '../../web/src/shape/fabric-onset.js';
import { idleFabric, pdFabric } from './fixtures/fabric.js';

describe('the onset sweep (web/src/shape/fabric-onset)', () => {
  it('onsetSignalLines(result) -> the fabric signals beside the per-node view, one point per swept rate', () => {
    const lines = onsetSignalLines(pdFabric());
    expect(lines.map((l) => [l.key, l.points.length])).toEqual([
      ['linkP99', 7],
      ['communicationShare', 7],
      ['stretchShare', 7],
      ['gpuBusy', 7],
      ['kvMean', 7],
    ]);
    // Link p99 climbs to 94% at 60 req/s while GPU busy is at 80%: the gap the view shows.
    expect(lines[0]!.points[3]).toEqual({ rate: 60, value: 0.94, low: null, high: null });
    expect(lines[3]!.points[3]!.value).toBeCloseTo(0.8, 10);
  });

  it('onsetLatencyLines(result) -> TTFT p99, TPOT p99 and hand-off wait, leaving out what a log axis cannot draw', () => {
    expect(onsetLatencyLines(pdFabric()).map((l) => [l.key, l.points.length])).toEqual([
      ['ttftP99', 7],
      ['tpotP99', 7],
      ['handOffWait', 7],
    ]);
    // No hand-offs (all zero): no line at all.
    expect(onsetLatencyLines(idleFabric()).map((l) => l.key)).toEqual(['ttftP99', 'tpotP99']);
  });

  it('onsetMarkers(result) -> the SLO break, the fabric pressure onset and today\'s rate', () => {
    expect(onsetMarkers(pdFabric()).map((m) => [m.key, m.rate, m.label])).toEqual([
      ['saturation', 75, 'SLO breaks 75.0 req/s'],
      ['onset', 60, 'fabric pressure onset 60.0 req/s'],
      ['current', 60, 'today 60.0 req/s'],
    ]);
    expect(onsetMarkers(idleFabric()).map((m) => m.key)).toEqual(['current']);
  });

  it('onsetSentences(result) says where pressure begins, how far before the SLO break, and what the per-node view said there', () => {
    expect(onsetSentences(pdFabric())).toEqual([
      'Fabric pressure begins at 60.0 req/s (link p99 utilization 94% (rack0 leaf -> spine)), 15.0 req/s before the SLO breaks at 75.0 req/s.',
      'There the per-node view shows GPUs 80% busy and KV 6% full (peak 35%), still healthy, while the hottest link runs at p99 94%.',
    ]);
    expect(onsetSentences(idleFabric())).toEqual([
      'No fabric pressure onset in the sweep: no swept rate (15, 30, 45, 60, 75, 90, 120 req/s) showed a link at p99 >= 80%, steps waiting >= 5% or the communication share climbing.',
      'No SLO break in the sweep: every swept rate met the SLO.',
    ]);
    expect(onsetSentences({ ...pdFabric(), points: [], pressureOnset: null, pressureOnsetReason: 'a closed-loop workload has no rate to sweep' })).toEqual(['No onset sweep: a closed-loop workload has no rate to sweep.']);
  });

  it('sortedPoints and fabricPointRows: the sweep by rate, points without a finite rate left out, one text row each', () => {
    const result = pdFabric();
    result.points = [result.points[2]!, result.points[0]!, { ...result.points[1]!, rate: Number.NaN }];
    expect(sortedPoints(result).map((p) => p.rate)).toEqual([15, 45]);
    expect(fabricPointRows(pdFabric())[3]).toEqual(['60.0 req/s', '94%', 'rack0 leaf -> spine (kv-transfer)', '3.4%', '0.00%', '120 ms', '80%', '6%', '35%', '1.30 s', '12.0 ms', 'met']);
  });
});
