import { describe, expect, it } from 'vitest';
import { saturationCards } from '../../web/src/shape/saturation-cards.js';
import {
  bottleneckSentence,
  comparisonLatencyLines,
  headroomSentence,
  latencyVsRate,
  rateMarkers,
  sloLevels,
  sloStat,
  throughputVsRate,
} from '../../web/src/shape/saturation-curves.js';
import { chatScenario, saturationFixture } from './fixtures/results.js';

const result = saturationFixture(chatScenario());

describe('saturation shaping', () => {
  it('latencyVsRate(result, metric) is a p50, p90 and p99 line with a point per evaluated rate', () => {
    const lines = latencyVsRate(result, 'ttft');
    expect(lines.map((l) => l.key)).toEqual(['p50', 'p90', 'p99']);
    for (const l of lines) expect(l.points.map((p) => p.rate)).toEqual(result.points.map((p) => p.rate));
    expect(lines[2]!.points[0]!.value).toBe(result.points[0]!.latency.ttft.p99);
  });

  it('latencyVsRate leaves out rates without a sample (null) rather than drawing zero', () => {
    const gap = { ...result, points: result.points.map((p, i) => (i === 1 ? { ...p, latency: { ...p.latency, ttft: { ...p.latency.ttft, p99: null } } } : p)) };
    expect(latencyVsRate(gap, 'ttft')[2]!.points).toHaveLength(result.points.length - 1);
  });

  it('throughputVsRate(result) carries the 95% interval of completed req/s and goodput', () => {
    const [achieved, goodput] = throughputVsRate(result);
    expect(achieved!.key).toBe('achieved');
    expect(goodput!.key).toBe('goodput');
    const p = achieved!.points[0]!;
    expect(p.low).toBeLessThan(p.value);
    expect(p.high).toBeGreaterThan(p.value);
  });

  it('sloLevels and sloStat read the bounds the scenario states for a metric', () => {
    expect(sloLevels(result, 'ttft')).toEqual([{ key: 'ttftP99', stat: 'p99', seconds: 2, label: 'SLO p99 ≤ 2.00 s' }]);
    expect(sloLevels(result, 'e2e')).toEqual([]);
    expect(sloStat(result, 'tpot')).toBe('p99');
    expect(sloStat(result, 'e2e')).toBeNull();
  });

  it("rateMarkers(result) marks the saturation rate with its interval, the pressure onset and today's rate", () => {
    const marks = rateMarkers(result);
    expect(marks.map((m) => m.key)).toEqual(['saturation', 'onset', 'current']);
    expect(marks[0]!.low).toBe(result.saturationRate!.low);
    expect(marks[2]!.rate).toBe(12);
    expect(rateMarkers({ ...result, saturationRate: null, pressureOnsetRate: null, currentRate: null })).toEqual([]);
  });

  it('bottleneckSentence(result) explains the first bottleneck in one sentence, or says why none was found', () => {
    expect(bottleneckSentence(result)).toBe('The first bottleneck is KV-cache memory: KV occupancy passes 90% of blocks at 16 req/s while the queue still drains.');
    expect(bottleneckSentence({ ...result, bottleneck: null, saturationReason: 'the SLO held at every rate tried' })).toBe('No bottleneck identified: the SLO held at every rate tried');
  });

  it("headroomSentence(result) gives the saturation rate, its interval and today's headroom", () => {
    expect(headroomSentence(result)).toBe("The SLO holds up to 19.6 req/s (95% interval 19.0 req/s to 20.0 req/s). Today's 12.0 req/s leaves 38.8% headroom (7.60 req/s).");
  });

  it('comparisonLatencyLines(entries, metric) draws the statistic the SLO bounds, one line per result', () => {
    const other = saturationFixture(chatScenario(), 30);
    const { stat, lines } = comparisonLatencyLines(
      [
        { label: 'a', result },
        { label: 'b', result: other },
      ],
      'ttft',
    );
    expect(stat).toBe('p99');
    expect(lines.map((l) => l.key)).toEqual(['result-0', 'result-1']);
    expect(lines[1]!.points).toHaveLength(other.points.length);
  });

  it('saturationCards(result) say saturation, sustained capacity, onset, today, headroom, goodput, bottleneck and method', () => {
    const cards = saturationCards(result);
    const card = (key: string, r = result) => saturationCards(r).find((c) => c.key === key)!;
    expect(cards.map((c) => c.key)).toEqual(['saturation', 'sustained', 'onset', 'current', 'headroom', 'goodput', 'bottleneck', 'method']);
    expect(card('headroom').value).toBe('38.8%');
    expect(card('onset').detail).toBe('29% below the saturation rate');
    expect(card('onset', { ...result, pressureLeadPercent: -17 }).detail).toBe('17% above the saturation rate');
  });
});
