import { describe, expect, it } from 'vitest';
import { describeTrial, knobsFor } from '../../../analyzers/saturation/knob-trial.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/** The one-key changes the saturation analysis tries when it names a bottleneck. */
describe('knobs for a bottleneck', () => {
  const base = tinyScenario({ serving: { maxNumSeqs: 64, maxNumBatchedTokens: 2048 } });

  it('addresses each bottleneck with the key that relieves it, leaving the scenario otherwise as it was', () => {
    expect(knobsFor('batch-limit', false, base).map((c) => `${c.key}=${c.value}`)).toEqual(['serving.maxNumSeqs=128']);
    expect(knobsFor('kv-memory', false, base).map((c) => `${c.key}=${c.value}`)).toEqual(['serving.kvCacheDtype=fp8']);
    expect(knobsFor('compute', true, base).map((c) => `${c.key}=${c.value}`)).toEqual(['serving.maxNumBatchedTokens=1024', 'serving.maxNumBatchedTokens=4096']);
    const [fp8] = knobsFor('kv-memory', false, base);
    expect({ ...fp8!.scenario, serving: { ...fp8!.scenario.serving, kvCacheDtype: base.serving.kvCacheDtype } }).toEqual(base);
  });

  it('an fp8 KV cache already: a larger share of GPU memory instead, up to 95%', () => {
    const fp8 = tinyScenario({ serving: { kvCacheDtype: 'fp8', gpuMemoryUtilization: 0.9 } });
    expect(knobsFor('kv-memory', false, fp8).map((c) => `${c.key}=${c.value}`)).toEqual(['serving.gpuMemoryUtilization=0.95']);
    expect(knobsFor('kv-memory', false, { ...fp8, serving: { ...fp8.serving, gpuMemoryUtilization: 0.95 } })).toEqual([]);
  });

  it('slow decode steps and bursts have no one-key knob, and a change the scenario rules refuse is not tried', () => {
    expect(knobsFor('compute', false, base)).toEqual([]);
    expect(knobsFor('queue', false, base)).toEqual([]);
    // Twice the slots would need more token budget than the scenario has (vLLM: budget >= slots).
    const tight = tinyScenario({ serving: { maxNumSeqs: 1024, maxNumBatchedTokens: 1024 } });
    expect(knobsFor('batch-limit', false, tight)).toEqual([]);
  });

  it('says what the change did at the broken rate', () => {
    const trial = { key: 'serving.kvCacheDtype', value: 'fp8', rate: 21.375, meetsSlo: true, keepsUp: true, worstBefore: 1.6, worstAfter: 0.52 };
    expect(describeTrial(trial)).toBe('serving.kvCacheDtype=fp8 at 21.4 req/s: SLO met (worst SLO bound at 52% of its limit, was 160%)');
    expect(describeTrial({ ...trial, meetsSlo: false, keepsUp: false, worstAfter: 1.9 })).toBe(
      'serving.kvCacheDtype=fp8 at 21.4 req/s: no better (worst SLO bound at 190% of its limit, was 160%, and it fell behind)',
    );
  });
});
