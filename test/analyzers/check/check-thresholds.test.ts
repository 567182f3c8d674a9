import { describe, expect, it } from 'vitest';
import { evaluateThresholds, type ThresholdSubject } from '../../../analyzers/check/check-thresholds.js';
import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import type { SurvivabilityResult } from '../../../analyzers/survivability/survival-result.js';
import { formatMeasured, parseThreshold, THRESHOLD_FIELDS, type Threshold, type ThresholdField } from '../../../engine/scenario/threshold-expression.js';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

function threshold(text: string): Threshold {
  const result = parseThreshold(text);
  if (!result.ok) throw new Error(result.message);
  return result.threshold;
}

// Shared system prompts, so the prefix-cache fields have figures to read.
const withSlo = simulate(tinyScenario({ slo: { ttftP99: '2s' }, cost: { gpuHourUsd: 2.5 }, workload: { prefix: { groups: 2, tokens: 512, share: 1 } } }));
const withoutSlo = simulate(tinyScenario());

/** A saturation result as the analyzer shapes it, with the figures the check reads. */
function saturationStub(overrides: Partial<SaturationResult> = {}): SaturationResult {
  return {
    kind: 'saturation',
    version: 1,
    seed: 1,
    scenario: withSlo.scenario,
    currentRate: 4,
    method: { mode: 'search', replications: 2, precision: 0.02, simulations: 20, rateKnob: 'arrival.rate' },
    calibration: { ...withSlo.calibration, intervalWidening: null },
    intervalNote: '95% Student-t interval over 2 replications',
    saturationRate: { mean: 10, low: 9, high: 11 },
    sustainedCapacity: { requestsPerSecond: 11.5, measuredAtRate: 16 },
    saturationReason: null,
    goodputAtSaturation: 9.5,
    costAtSaturation: null,
    sizing: null,
    pressureOnsetRate: 7,
    pressureOnsetReason: null,
    pressureLeadPercent: 30,
    bottleneck: { name: 'compute', evidence: 'stub', tried: [] },
    headroom: { percent: 60, requestsPerSecond: 6 },
    points: [],
    ...overrides,
  };
}

/** A fabric result as the analyzer shapes it, with the gate figures the check reads. */
function fabricStub(overrides: Partial<FabricResult> = {}): FabricResult {
  return {
    kind: 'fabric',
    version: 1,
    seed: 1,
    scenario: withSlo.scenario,
    calibration: withSlo.calibration,
    rate: 4,
    run: { mode: 'all', links: 4, linksUsed: 2, linkUtilizationP99: 0.4, linkUtilizationMean: 0.2, hottest: [], linkLoads: [], engines: [], coupling: null, flows: { recomputations: 0, events: 0 } },
    perNode: { gpuBusyFraction: 0.5, kvOccupancyMean: 0.1, kvOccupancyPeak: 0.2, healthy: true },
    linkUtilizationP99: 0.4,
    linkUtilizationMean: 0.2,
    communicationShare: 0.1,
    stretchShare: 0.01,
    handOffWaitMean: 0.002,
    hiddenFromPerNodeView: false,
    points: [],
    pressureOnset: { rate: 6, signal: 'stub' },
    pressureOnsetReason: null,
    sloBreakRate: 8,
    sloBreakReason: null,
    findings: [],
    ...overrides,
  };
}

/** A survivability result with the figures the check reads: trials, a boundary map, spares. */
function survivalStub(): SurvivabilityResult {
  const point = (rate: number, attainment: number) => ({ rate, outcome: 'absorbed' as const, attainment, endGoodputShare: 1, recoveredAt: null, lostInFlight: 0, retried: 0 });
  const failure = { kind: 'gpu' as const, at: 10, ratePerHour: null, rateSource: null, target: 0, duration: null, factor: 1 };
  return {
    kind: 'survivability',
    version: 1,
    seed: 1,
    scenario: withSlo.scenario,
    failures: [failure],
    failuresSource: 'stub',
    trials: { count: 1, perTrial: [], attainment: { mean: 0.97, p5: 0.95, p95: 0.99 }, baselineAttainment: 1, goodputLoss: 0.01, survivalCurve: [0.97], outcomes: { absorbed: 1, degraded: 0, collapsed: 0, metastable: 0 } },
    timeline: { bucketSeconds: 1, goodputPerSecond: [], baselineGoodputPerSecond: [], arrivalsPerSecond: [], markers: [] },
    boundary: { rates: [2, 4], sizes: [{ size: '1 GPU', failure, points: [point(2, 0.99), point(4, 0.9)], boundaryRate: 4 }, { size: '1 node', failure: { ...failure, kind: 'node' }, points: [point(2, 0.8), point(4, 0.5)], boundaryRate: 2 }] },
    boundaryReason: null,
    spares: { failure: '1 node', rate: 4, needed: 1, tried: [], reason: null },
    findings: [],
  };
}

const subject = (saturation: SaturationResult | null = saturationStub()): ThresholdSubject => ({ simulation: withSlo, saturation, fabric: fabricStub(), survival: survivalStub() });

/** A bound inside the field's values (a threshold outside them is refused as gating nothing). */
function someBound(field: ThresholdField): string {
  const kind = THRESHOLD_FIELDS[field].kind;
  return kind === 'fraction' ? '50%' : kind === 'seconds' ? '1h' : '50';
}

function outcomeOf(text: string, s: ThresholdSubject = subject()) {
  const [outcome] = evaluateThresholds([threshold(text)], s);
  if (outcome === undefined) throw new Error('no outcome');
  return outcome;
}

describe('evaluateThresholds: each operator at the boundary', () => {
  const p99 = withSlo.latency.ttft.p99!;
  // The measured value written back in seconds, so the bound equals it exactly.
  const at = String(p99);
  const below = String(p99 * (1 - 1e-9));
  const above = String(p99 * (1 + 1e-9));

  it.each([
    ['<', [false, false, true]],
    ['<=', [true, false, true]],
    ['>', [false, true, false]],
    ['>=', [true, true, false]],
    ['==', [true, false, false]],
    ['!=', [false, true, true]],
  ] as const)('ttft.p99 %s bound passes exactly when the comparison holds (bound = measured, just below, just above)', (op, expected) => {
    const results = [at, below, above].map((bound) => outcomeOf(`ttft.p99 ${op} ${bound}s`).passed);
    expect(results).toEqual(expected);
  });

  it('a passing and a failing threshold report the measured value, normalized like the bound, and no reason', () => {
    const pass = outcomeOf('ttft.p99 < 1h');
    expect(pass).toEqual({ threshold: threshold('ttft.p99 < 1h'), measured: p99, passed: true });
    const fail = outcomeOf('ttft.p99 < 1us');
    expect(fail.passed).toBe(false);
    expect(fail.measured).toBe(p99);
    expect(fail.reason).toBeUndefined();
  });

  it('a percentage bound on a fraction compares as a fraction: slo.attainment >= 100% holds at attainment 1', () => {
    expect(withSlo.slo.attainment).toBe(1);
    expect(outcomeOf('slo.attainment >= 100%')).toMatchObject({ measured: 1, passed: true });
    expect(outcomeOf('slo.attainment < 100%').passed).toBe(false);
  });

  it('outcomes come back one per threshold, in order', () => {
    const texts = ['requests.dropped == 0', 'ttft.p99 < 1us', 'throughput.requestsPerSecond > 0'];
    const outcomes = evaluateThresholds(texts.map(threshold), subject());
    expect(outcomes.map((o) => [o.threshold.text, o.passed])).toEqual([
      ['requests.dropped == 0', true],
      ['ttft.p99 < 1us', false],
      ['throughput.requestsPerSecond > 0', true],
    ]);
  });
});

describe('evaluateThresholds: where each field is read', () => {
  it('simulation fields read the SimulationResult', () => {
    const r = withSlo;
    const cases: [string, number][] = [
      ['tpot.mean', r.latency.tpot.mean!],
      ['queueWait.p50', r.latency.queueWait.p50!],
      ['e2e.max', r.latency.e2e.max!],
      ['slo.attainment', r.slo.attainment!],
      ['slo.goodput', r.slo.goodputRequestsPerSecond!],
      ['throughput.requestsPerSecond', r.throughput.requestsPerSecond],
      ['throughput.outputTokensPerSecond', r.throughput.outputTokensPerSecond],
      ['throughput.outputTokensPerSecondPerGpu', r.throughput.outputTokensPerSecondPerGpu],
      ['requests.dropped', r.requests.dropped],
      ['requests.preempted', r.requests.preempted],
      ['utilization.kvOccupancyPeak', r.utilization.kvOccupancyPeak],
      ['utilization.kvOccupancyMean', r.utilization.kvOccupancyMean],
      ['utilization.gpuBusyFraction', r.utilization.gpuBusyFraction],
      ['cost.usdPerMillionOutputTokens', r.cost!.usdPerMillionOutputTokens!],
      ['cost.usdPerMillionTotalTokens', r.cost!.usdPerMillionTotalTokens!],
      ['cost.usdPerThousandRequests', r.cost!.usdPerThousandRequests!],
      ['cost.usdPerHour', 2.5],
    ];
    for (const [field, value] of cases) expect(outcomeOf(`${field} < ${someBound(field as ThresholdField)}`).measured, field).toBe(value);
  });

  it('saturation fields read the SaturationResult: rate = saturationRate.mean, headroom = headroom.percent, ...', () => {
    expect(outcomeOf('saturation.rate >= 10')).toMatchObject({ measured: 10, passed: true });
    expect(outcomeOf('saturation.headroom >= 30%')).toMatchObject({ measured: 60, passed: true });
    expect(outcomeOf('saturation.headroom >= 61%')).toMatchObject({ measured: 60, passed: false });
    expect(outcomeOf('saturation.headroomRate > 6 req/s')).toMatchObject({ measured: 6, passed: false });
    expect(outcomeOf('saturation.pressureOnset >= 7')).toMatchObject({ measured: 7, passed: true });
    expect(outcomeOf('saturation.goodput < 9.5')).toMatchObject({ measured: 9.5, passed: false });
  });

  it('prefix-cache fields read result.prefixCache, and say why a run without one has none', () => {
    const hit = withSlo.prefixCache!.hitRate.tokens;
    expect(hit).toBeGreaterThan(0.5);
    expect(outcomeOf('prefixCache.hitRate >= 50%')).toMatchObject({ measured: hit, passed: true });
    expect(outcomeOf('prefixCache.cachedTokensPerRequest > 100')).toMatchObject({ measured: withSlo.prefixCache!.cachedTokensPerRequest, passed: true });
    expect(outcomeOf('prefixCache.hitRate >= 50%', { simulation: withoutSlo, saturation: null }).reason).toMatch(/no prompt carried a prefix chain/);
  });

  it('every field of the grammar is measured on a full subject (no field is left without a reader)', () => {
    for (const field of Object.keys(THRESHOLD_FIELDS) as ThresholdField[]) {
      expect(outcomeOf(`${field} < ${someBound(field)}`).measured, field).not.toBeNull();
    }
  });
});

describe('evaluateThresholds: a known field without a value fails, with the reason', () => {
  it("survive fields read the survivability analysis: trials' attainment, one GPU's or node's loss at today's rate, spares", () => {
    expect(outcomeOf('survive.attainment >= 95%')).toMatchObject({ measured: 0.97, passed: true });
    expect(outcomeOf('survive.nodeLoss.attainment >= 95%')).toMatchObject({ measured: 0.5, passed: false });
    expect(outcomeOf('survive.gpuLoss.attainment >= 95%')).toMatchObject({ measured: 0.9, passed: false });
    expect(outcomeOf('survive.sparesNeeded <= 1')).toMatchObject({ measured: 1, passed: true });
    expect(outcomeOf('survive.attainment >= 95%', { simulation: withSlo, saturation: null })).toMatchObject({ measured: null, reason: 'no survivability analysis was run' });
  });

  it('fabric fields read the fabric analysis; without one, or with no onset found, they fail saying why', () => {
    expect(outcomeOf('fabric.linkUtilizationP99 < 80%')).toMatchObject({ measured: 0.4, passed: true });
    expect(outcomeOf('fabric.handOffWait < 1ms')).toMatchObject({ measured: 0.002, passed: false });
    expect(outcomeOf('fabric.stretchShare < 5%', { simulation: withSlo, saturation: null })).toMatchObject({ measured: null, passed: false, reason: 'no fabric analysis was run' });
    const o = outcomeOf('fabric.pressureOnset > 5 req/s', { simulation: withSlo, saturation: null, fabric: fabricStub({ pressureOnset: null, pressureOnsetReason: 'no swept rate showed it' }) });
    expect(o).toMatchObject({ measured: null, passed: false });
    expect(o.reason).toMatch(/indeterminate: no swept rate showed it/);
  });

  it('slo.attainment and slo.goodput fail when the scenario states no slo', () => {
    for (const field of ['slo.attainment', 'slo.goodput']) {
      const o = outcomeOf(`${field} > 0`, { simulation: withoutSlo, saturation: null });
      expect(o.passed, field).toBe(false);
      expect(o.measured).toBeNull();
      expect(o.reason).toMatch(/states no slo/);
    }
  });

  it('cost fields fail when the scenario states no price, saying how to give one', () => {
    const o = outcomeOf('cost.usdPerMillionOutputTokens < 1', { simulation: withoutSlo, saturation: null });
    expect(o).toMatchObject({ measured: null, passed: false });
    expect(o.reason).toMatch(/cost: \{ gpuHourUsd: 2\.5 \}/);
    // Dollars are bare numbers; the measured value reads as dollars.
    expect(parseThreshold('cost.usdPerThousandRequests < 0.5 req/s').ok).toBe(false);
    expect(formatMeasured(threshold('cost.usdPerThousandRequests < 0.5'), 0.0412345)).toBe('$0.04123');
  });

  it('a latency statistic fails when no request produced a sample (a run too short for any arrival)', () => {
    const empty = simulate(tinyScenario({ stop: { requests: 200, duration: '1ms' } }));
    expect(empty.latency.ttft.p99).toBeNull();
    const o = outcomeOf('ttft.p99 < 1h', { simulation: empty, saturation: null });
    expect(o).toMatchObject({ measured: null, passed: false });
    expect(o.reason).toMatch(/no ttft samples/);
  });

  it('saturation fields fail with the analysis\'s own reason when the saturation rate is indeterminate', () => {
    const indeterminate = saturationStub({
      saturationRate: null,
      saturationReason: 'the SLO holds at every rate swept (up to 1.02e+5 req/s)',
      goodputAtSaturation: null,
      headroom: null,
      pressureOnsetRate: null,
      pressureOnsetReason: 'no pressure signal up to 1.02e+5 req/s',
    });
    for (const field of ['saturation.rate', 'saturation.headroom', 'saturation.headroomRate', 'saturation.goodput']) {
      const o = outcomeOf(`${field} > 0`, subject(indeterminate));
      expect(o, field).toMatchObject({ measured: null, passed: false });
      expect(o.reason, field).toContain('the SLO holds at every rate swept');
    }
    const onset = outcomeOf('saturation.pressureOnset > 0', subject(indeterminate));
    expect(onset.reason).toContain('no pressure signal');
  });

  it('saturation.headroom fails for a closed workload, which has no offered rate of its own', () => {
    const closed = saturationStub({ currentRate: null, headroom: null });
    expect(outcomeOf('saturation.headroom >= 10%', subject(closed)).reason).toMatch(/no offered rate/);
  });

  it('saturation fields fail with the caller\'s reason when no analysis ran', () => {
    const o = outcomeOf('saturation.rate >= 1', { simulation: withoutSlo, saturation: null, saturationMissing: 'the scenario states no slo' });
    expect(o).toEqual({ threshold: threshold('saturation.rate >= 1'), measured: null, passed: false, reason: 'the scenario states no slo' });
    expect(outcomeOf('saturation.rate >= 1', subject(null)).reason).toBe('no saturation analysis was run');
  });
});
