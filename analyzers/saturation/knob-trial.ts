import type { Scenario } from '../../engine/scenario/scenario-types.js';
import { SCENARIO_RULES } from '../../engine/scenario/scenario-rules.js';
import type { BottleneckName, KnobTrial } from './saturation-result.js';

/** One change of one serving key, as `--vary` would make it. */
export interface KnobChange {
  key: string;
  value: string;
  scenario: Scenario;
}

function withServing(s: Scenario, key: keyof Scenario['serving'], value: number | string): KnobChange {
  return { key: `serving.${key}`, value: String(value), scenario: { ...s, serving: { ...s.serving, [key]: value } } };
}

/**
 * The one-key changes that address a bottleneck without buying hardware, each one the scenario
 * rules accept: more sequence slots for a full batch; an fp8 KV cache (or a larger share of GPU
 * memory) for KV memory; half and double the token budget when prefill chunks fill it. Latency
 * that breaks inside the batch (slow decode steps) or in bursts has no such knob: none are tried.
 */
export function knobsFor(name: BottleneckName, tokenBudgetBound: boolean, s: Scenario): KnobChange[] {
  const sv = s.serving;
  const changes: KnobChange[] = [];
  if (name === 'batch-limit') changes.push(withServing(s, 'maxNumSeqs', sv.maxNumSeqs * 2));
  if (name === 'kv-memory') {
    if (sv.kvCacheDtype !== 'fp8') changes.push(withServing(s, 'kvCacheDtype', 'fp8'));
    else if (sv.gpuMemoryUtilization < 0.95) changes.push(withServing(s, 'gpuMemoryUtilization', Math.min(0.95, sv.gpuMemoryUtilization + 0.05)));
  }
  if ((name === 'compute' || name === 'communication') && tokenBudgetBound) {
    changes.push(withServing(s, 'maxNumBatchedTokens', Math.floor(sv.maxNumBatchedTokens / 2)));
    changes.push(withServing(s, 'maxNumBatchedTokens', sv.maxNumBatchedTokens * 2));
  }
  return changes.filter((c) => SCENARIO_RULES.every((rule) => rule(c.scenario, '').length === 0));
}

/** "serving.kvCacheDtype=fp8 at 21.4 req/s: SLO met (worst SLO bound at 62% of its limit, was 135%)". */
export function describeTrial(t: KnobTrial): string {
  const pct = (m: number) => (Number.isFinite(m) ? `${(100 * m).toFixed(0)}%` : 'unbounded');
  const verdict = t.meetsSlo ? 'SLO met' : t.worstAfter < t.worstBefore ? 'better, SLO still missed' : 'no better';
  const behind = t.keepsUp ? '' : ', and it fell behind';
  return `${t.key}=${t.value} at ${t.rate.toPrecision(3)} req/s: ${verdict} (worst SLO bound at ${pct(t.worstAfter)} of its limit, was ${pct(t.worstBefore)}${behind})`;
}
