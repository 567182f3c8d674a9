import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engine/simulate.js';
import type { StepBatch } from '../../../engine/step-time/step-time-model.js';
import type { WorkloadData } from '../../../engine/workload/workload-data.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/**
 * A serving engine's loop drains everything that arrived before it schedules the next step, so
 * requests that arrive at one instant are planned together, never as a batch of one followed by
 * the rest.
 */

function firstSteps(scenario: ReturnType<typeof tinyScenario>, data?: WorkloadData): StepBatch[] {
  const seen: StepBatch[] = [];
  simulate(scenario, data, { afterStep: (_r, _t, batch) => seen.push({ ...batch }) });
  return seen;
}

/** A trace where `burst` requests share each of the timestamps 0, 10, 20, ... */
function burstTrace(bursts: number, burst: number, prompt: number, output: number): WorkloadData {
  const n = bursts * burst;
  const arrivals = new Float64Array(n);
  for (let i = 0; i < n; i++) arrivals[i] = 10 * Math.floor(i / burst);
  return {
    trace: { format: 'request-list', file: 'burst.csv', arrivals, inputTokens: new Int32Array(n).fill(prompt), outputTokens: new Int32Array(n).fill(output) },
    inputSamples: null,
    outputSamples: null,
  };
}

describe('same-instant arrivals', () => {
  it('N simultaneous arrivals into an idle replica are planned in one step (up to maxNumSeqs and the token budget)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 8, max: 512 }),
        fc.constantFrom('static', 'continuous'),
        (clients, maxNumSeqs, prompt, scheduler) => {
          const maxNumBatchedTokens = 8192;
          const scenario = tinyScenario({
            stop: { requests: clients },
            serving: { scheduler, maxNumSeqs, maxNumBatchedTokens },
            workload: {
              arrival: { process: 'closed', concurrency: clients },
              inputTokens: { dist: 'fixed', value: prompt },
              outputTokens: { dist: 'fixed', value: 4 },
            },
          });
          const first = firstSteps(scenario)[0]!;
          const expected = Math.min(clients, maxNumSeqs, Math.floor(maxNumBatchedTokens / prompt));
          // A chunked prefill also takes the head of one more prompt when the budget has room.
          expect(first.prefillSeqs).toBeGreaterThanOrEqual(expected);
          expect(first.prefillSeqs).toBeLessThanOrEqual(Math.min(clients, maxNumSeqs));
          expect(first.decodeSeqs).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a closed-loop static batch of 8 at t = 0 runs as one batch: no request waits for another batch', () => {
    const r = simulate(
      tinyScenario({
        stop: { requests: 8 },
        serving: { scheduler: 'static', maxNumSeqs: 8, frontendOverhead: { perRequest: 0 } },
        workload: {
          arrival: { process: 'closed', concurrency: 8 },
          inputTokens: { dist: 'fixed', value: 32 },
          outputTokens: { dist: 'fixed', value: 128 },
        },
      }),
    );
    expect(r.latency.queueWait.max).toBe(0);
    expect(r.latency.e2e.max).toBeCloseTo(r.latency.e2e.mean ?? Number.NaN, 9);
  });

  it('a trace with 50 requests at one timestamp admits them together', () => {
    const scenario = tinyScenario({
      stop: { requests: 100 },
      serving: { maxNumSeqs: 256, maxNumBatchedTokens: 8192 },
      workload: { arrival: { process: 'trace', file: 'burst.csv' } },
    });
    const steps = firstSteps(scenario, burstTrace(2, 50, 100, 8));
    expect(steps[0]!.prefillSeqs).toBe(50);
    expect(steps[0]!.prefillTokens).toBe(5000);
    const second = steps.find((s, i) => i > 0 && s.prefillSeqs > 0)!;
    expect(second.prefillSeqs).toBe(50);
  });

  it('a closed-loop client that sends again at the instant its request ends is seen by the next step', () => {
    // One client, no think time: each request's successor arrives at the step end that finished it,
    // and the very next step prefills it (no idle gap, no extra step).
    const scenario = tinyScenario({
      stop: { requests: 5 },
      serving: { frontendOverhead: { perRequest: 0 } },
      workload: {
        arrival: { process: 'closed', concurrency: 1 },
        inputTokens: { dist: 'fixed', value: 64 },
        outputTokens: { dist: 'fixed', value: 3 },
      },
    });
    const times: number[] = [];
    const ends: number[] = [];
    simulate(scenario, undefined, {
      onArrival: (_s, _r, t) => times.push(t),
      afterStep: (_r, t) => ends.push(t),
    });
    expect(times).toHaveLength(5);
    for (const t of times.slice(1)) expect(ends).toContain(t);
    // 5 requests x (1 prefill step + 2 decode steps)
    expect(ends).toHaveLength(15);
  });
});
