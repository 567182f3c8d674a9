import { describe, expect, it } from 'vitest';
import { autoscalingModel, disaggregationModel, fabricSentence, poolRows, scalingLegendKeys, simulationFabric, simulationSurvivalTimeline, survivalSentences } from '../../web/src/shape/simulation-sections.js';
import { heatmapRows } from '../../web/src/shape/fabric-heatmap.js';
import { engineBars } from '../../web/src/shape/fabric-engines.js';
import { baseSimulation, withAutoscaling, withDisaggregation, withFabric, withSurvival } from './fixtures/simulation-sections.js';

describe('the optional sections of a simulation result', () => {
  const base = baseSimulation();

  it('none of them without the section', () => {
    expect(disaggregationModel(base)).toBeNull();
    expect(simulationFabric(base)).toBeNull();
    expect(simulationSurvivalTimeline(base)).toBeNull();
    expect(survivalSentences(base)).toEqual([]);
    expect(autoscalingModel(base)).toBeNull();
  });

  it('disaggregation: the KV hand-off sentence and a row per pool with its engines', () => {
    const m = disaggregationModel(withDisaggregation(base))!;
    expect(m.sentence).toBe('KV hand-off: mean 1.50 ms, p99 3.60 ms, 0.52 GB per request, part of every TTFT (prefill done to KV landed on the decode engine).');
    expect(m.pools.map((p) => [p.role, p.replicas, p.tensorParallelSize, p.engines])).toEqual([
      ['prefill', 16, 1, 16],
      ['decode', 8, 2, 8],
    ]);
    const rows = poolRows(m);
    expect(rows[1]!.slice(0, 4)).toEqual(['decode', '8', '2', '8']);
    expect(rows[1]![4]).toContain('1,000,000 tokens per replica');
  });

  it('fabric: the section reads as the fabric panels read a fabric analysis', () => {
    const r = withFabric(base);
    const f = simulationFabric(r)!;
    expect(f.scenario).toBe(r.scenario);
    expect(heatmapRows(f).map((row) => row.id)).toEqual(r.fabric!.hottest.map((h) => h.id));
    expect(engineBars(f)).toHaveLength(24);
    expect(fabricSentence(f)).toBe(`24 engines on the flow network: ${r.fabric!.linksUsed} of 132 links used, the hottest at p99 94% (mean 73%).`);
  });

  it('survival: goodput and arrivals as steps, a marker per failure, sentences of what each cost', () => {
    const r = withSurvival(base);
    const t = simulationSurvivalTimeline(r)!;
    expect(t.lines.map((l) => l.key)).toEqual(['arrivals', 'goodput']);
    expect(t.lines[1]!.label).toBe(r.scenario.slo === null ? 'Completed per second' : 'Goodput (completed within the SLO)');
    expect(t.lines[1]!.points[10]).toEqual({ t0: 20, t1: 22, value: 4 });
    expect(t.extent).toEqual([0, 100]);
    expect(t.markers.map((m) => [m.kind, m.at, m.detectedAt, m.recoveredAt, m.bandEnd])).toEqual([
      ['gpu', 20, 30, 60, 60],
      ['node', 80, 90, null, 100],
    ]);
    expect(t.markers[1]!.title).toBe('node failure at 80.0 s, detected 90.0 s, not recovered within the run');
    const s = survivalSentences(r);
    expect(s).toEqual([
      'A gpu failure at 20.0 s took down 1 engine and lost 3 requests in flight; detected at 30.0 s, serving again at 60.0 s (restart).',
      'A node failure at 80.0 s took down 4 engines and lost 5 requests in flight; detected at 90.0 s, not recovered within the run (no spare).',
      'Requests: 8 lost in flight, 2 refused, 9 retried, 1 failed after retries, 0 timed out; 12,000 prompt tokens prefilled again by retries.',
    ]);
  });

  it('autoscaling: replicas in service as steps, each decision with its direction and when it serves', () => {
    const m = autoscalingModel(withAutoscaling(base))!;
    expect(m.points).toHaveLength(30);
    expect(m.points[10]).toEqual({ t0: 100, t1: 110, value: 3 });
    expect(m.extent).toEqual([0, 300]);
    expect(m.maxReplicas).toBe(3);
    expect(m.events.map((e) => [e.direction, e.at, e.servesAt])).toEqual([
      ['up', 70, 100],
      ['down', 250, null],
    ]);
    expect(m.events[0]!.title).toBe('At 70.0 s: 1 → 3 replicas, serving at 100 s');
    expect(m.sentence).toBe('2 scaling decisions (1 up, 1 down); mean 2.4 replicas in service, 0.2 replica-hours over the run.');
    expect(scalingLegendKeys(m)).toEqual(['in-service', 'scale-up', 'scale-down', 'serves']);
    expect(scalingLegendKeys({ ...m, events: m.events.slice(0, 1) })).toEqual(['in-service', 'scale-up', 'serves']);
    expect(scalingLegendKeys({ ...m, events: [] })).toEqual(['in-service']);
  });

  it('non-finite figures are drawn as 0, not NaN', () => {
    const r = withAutoscaling(base);
    const bad = { ...r, autoscaling: { ...r.autoscaling!, inService: { bucketSeconds: 0, replicas: [Number.NaN, -1, 2] } } };
    expect(autoscalingModel(bad)!.points.map((p) => [p.t0, p.value])).toEqual([[0, 0], [1, 0], [2, 2]]);
  });
});
