import type { BottleneckName, SaturationPoint } from './saturation-result.js';
import { PRESSURE_THRESHOLDS } from './pressure.js';

/** Communication share of step time above which TP all-reduces count as the limit. */
export const COMMUNICATION_BOTTLENECK_SHARE = 0.35;
/** Below this fraction of the run, a reason for keeping requests waiting is noise. */
export const MIN_BLOCKED_FRACTION = 0.02;

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/**
 * Names what saturated first at `point` (the first rate over the SLO). The simulator records, for
 * every step that left requests waiting, what kept them out: all maxNumSeqs slots taken, the
 * maxNumBatchedTokens budget spent, or KV blocks short. The reason that held longest is the
 * bottleneck (a spent token budget means the GPU's prefill throughput: compute, or communication
 * when all-reduces take a large share of each step); preemptions mean KV memory whatever else.
 * When nothing kept requests out, latency broke inside the batch: decode too slow (compute, or
 * communication), or, for queueing-only bounds, the queue itself (bursts).
 */
export function nameBottleneck(point: SaturationPoint, maxNumSeqs: number): { name: BottleneckName; evidence: string } {
  const p = point.pressure;
  const b = p.admissionBlocked;
  const at = `at ${point.rate.toPrecision(3)} req/s`;
  const broken = point.slo.filter((s) => !s.met).map((s) => s.key);
  const computeOrCommunication = (): BottleneckName => (p.communicationShare > COMMUNICATION_BOTTLENECK_SHARE ? 'communication' : 'compute');
  const waitedFor = `requests waited for a batch slot ${pct(b.batchLimit)}, for token budget ${pct(b.tokenBudget)} and for KV blocks ${pct(b.kvMemory)} of the time`;

  if (p.preemptionsPerRequest > PRESSURE_THRESHOLDS.preemptionsPerRequest) {
    return {
      name: 'kv-memory',
      evidence: `${at} running sequences outgrew the KV cache: ${p.preemptionsPerRequest.toFixed(2)} preemptions per request, KV peak ${pct(p.kvOccupancyPeak)}; ${waitedFor}`,
    };
  }
  const reasons = [
    ['batch-limit', b.batchLimit],
    ['token-budget', b.tokenBudget],
    ['kv-memory', b.kvMemory],
  ] as const;
  const [top, fraction] = reasons.reduce((best, r) => (r[1] > best[1] ? r : best));
  if (fraction >= MIN_BLOCKED_FRACTION) {
    if (top === 'batch-limit') {
      return {
        name: 'batch-limit',
        evidence: `${at} all maxNumSeqs ${maxNumSeqs} sequence slots were taken ${pct(b.batchLimit)} of the time while KV was ${pct(p.kvOccupancy)} full: ${waitedFor}. Try: --vary serving.maxNumSeqs=${maxNumSeqs},${maxNumSeqs * 2}`,
      };
    }
    if (top === 'kv-memory') {
      return {
        name: 'kv-memory',
        evidence: `${at} new requests could not get KV blocks ${pct(b.kvMemory)} of the time (mean occupancy ${pct(p.kvOccupancy)}, peak ${pct(p.kvOccupancyPeak)}): ${waitedFor}. Try: --vary serving.kvCacheDtype=auto,fp8 or more tensor parallelism`,
      };
    }
    const name = computeOrCommunication();
    // Say how often, not "every step": the budget was spent during the measured share of the run,
    // and name the mechanism and the knob to try.
    return {
      name,
      evidence:
        `${at} steps spent their whole maxNumBatchedTokens budget ${pct(b.tokenBudget)} of the time while requests waited` +
        `${name === 'communication' ? `, all-reduces taking ${pct(p.communicationShare)} of each step` : ''}: prefill chunks fill the budget and ` +
        `stretch the decode steps they share; ${waitedFor}. Try: --vary serving.maxNumBatchedTokens=<half>,<double> (a smaller budget ` +
        `shortens decode steps, a larger one drains prefills faster)`,
    };
  }
  if (broken.some((k) => k.startsWith('tpot') || k.startsWith('itl') || k.startsWith('e2e'))) {
    const name = computeOrCommunication();
    return {
      name,
      evidence: `${at} nothing kept requests waiting, but steps grew too long for ${broken.join(', ')} with the batch the load builds (${name === 'communication' ? `all-reduces ${pct(p.communicationShare)} of each step` : `replicas busy ${pct(p.busyFraction)} of the time`})`,
    };
  }
  return {
    name: 'queue',
    evidence: `${at} requests waited ${(point.latency.queueWait.mean ?? 0).toPrecision(3)} s on average although no slot, budget or KV limit held them back for long (${waitedFor}): bursts of arrivals, not a full resource, break ${broken.join(', ') || 'the SLO'}`,
  };
}
