import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitServedFraction, NERDALERT_FILE, readNerdalertRuns, simulateServed } from '../../analyzers/calibration/served-runs.js';
import { FITTED_CALIBRATIONS, L40S_CALIBRATION } from '../../engine/step-time/step-time-calibration.js';
import { hasSharedData, SHARED_DATA } from '../helpers/shared-data.js';

/**
 * L40S against nerdalert's served vLLM runs (Llama-3.2-3B bf16, four TP1 replicas on 4 x L40S,
 * Poisson at 10 and 30 req/s, three gateway set-ups): memoryEfficiency fitted on the "no-features"
 * run at 10 req/s, checked on the other five. Bound: 6% on median TPOT (benchmark medians over
 * 300-900 requests; the three set-ups differ by up to 5% among themselves at 30 req/s).
 */
const run = hasSharedData('telemetry', 'vllm_bench');

describe.runIf(run)('L40S decode against served vLLM runs', () => {
  const runs = run ? readNerdalertRuns(join(SHARED_DATA, NERDALERT_FILE)) : [];
  const isFit = (label: string) => label === 'no-features at 10 req/s';

  it('refitting on the no-features run at 10 req/s gives the shipped memoryEfficiency (within 2%)', () => {
    const fitted = fitServedFraction(runs.filter((r) => isFit(r.label)), FITTED_CALIBRATIONS.a100, 'memoryEfficiency');
    expect(Math.abs(fitted / L40S_CALIBRATION.memoryEfficiency - 1)).toBeLessThan(0.02);
  });

  it('held out (30 req/s, and the base and kvcache gateways): median TPOT within 6%; the borrowed A100 constants were 8-11% fast', () => {
    const held = runs.filter((r) => !isFit(r.label));
    expect(held.length).toBe(5);
    for (const r of held) {
      const own = simulateServed(r).tpot;
      const borrowed = simulateServed(r, FITTED_CALIBRATIONS.a100).tpot;
      console.log(`L40S ${r.label}: TPOT ${(1e3 * own).toFixed(2)} ms (A100 constants ${(1e3 * borrowed).toFixed(2)}) vs ${(1e3 * r.measured.medianTpot).toFixed(2)} measured`);
      expect(Math.abs(own / r.measured.medianTpot - 1)).toBeLessThan(0.06);
      expect(borrowed).toBeLessThan(r.measured.medianTpot * 0.95);
    }
  });
});
