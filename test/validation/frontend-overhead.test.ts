import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRun, fitFrontend, LAMBDALABS_RUNS, readClientRequests } from '../../analyzers/calibration/frontend-fit.js';
import { DEFAULT_FRONTEND_OVERHEAD } from '../../engine/scenario/scenario-schema.js';
import { hasSharedData, SHARED_DATA } from '../helpers/shared-data.js';

/**
 * The default API-server overhead against client-side vLLM benchmark_serving records
 * (shared/data/telemetry/vllm_bench, LambdaLabs): fitted on the Llama-3.1-8B FP8 1 x H100 run,
 * checked on the Llama-3.1-70B FP8 8 x H100 TP8 run.
 */
const run = hasSharedData('telemetry', 'vllm_bench');

describe.runIf(run)('front-end overhead against client-side measurements', () => {
  const [fit, check] = LAMBDALABS_RUNS;
  const requests = (r: (typeof LAMBDALABS_RUNS)[number]) => readClientRequests(join(SHARED_DATA, r.file));

  it('refitting on the 8B run gives the shipped default (within 2%)', () => {
    const fitted = fitFrontend(fit!, requests(fit!));
    expect(Math.abs(fitted.perRequest / DEFAULT_FRONTEND_OVERHEAD.perRequest - 1)).toBeLessThan(0.02);
    expect(fitted.perOutputToken).toBe(DEFAULT_FRONTEND_OVERHEAD.perOutputToken);
  });

  it('on the held-out 70B TP8 run the client-side TTFT is within 25% (engine time alone is 70% short) and e2e within 10%', () => {
    const withOverhead = compareRun(check!, requests(check!), DEFAULT_FRONTEND_OVERHEAD);
    const engineOnly = compareRun(check!, requests(check!));
    const err = (a: number, b: number) => Math.abs(a / b - 1);
    console.log(
      `70B TP8 held out: TTFT ${(1e3 * withOverhead.engine.ttft).toFixed(1)} ms simulated vs ${(1e3 * withOverhead.measured.ttft).toFixed(1)} ms measured ` +
        `(engine only ${(1e3 * engineOnly.engine.ttft).toFixed(1)} ms), TPOT ${(1e3 * withOverhead.engine.tpot).toFixed(2)} vs ${(1e3 * withOverhead.measured.tpot).toFixed(2)} ms, ` +
        `e2e ${withOverhead.engine.e2e.toFixed(3)} vs ${withOverhead.measured.e2e.toFixed(3)} s`,
    );
    expect(err(engineOnly.engine.ttft, engineOnly.measured.ttft)).toBeGreaterThan(0.6);
    expect(err(withOverhead.engine.ttft, withOverhead.measured.ttft)).toBeLessThan(0.25);
    expect(err(withOverhead.engine.e2e, withOverhead.measured.e2e)).toBeLessThan(0.1);
    expect(err(withOverhead.engine.tpot, withOverhead.measured.tpot)).toBeLessThan(0.1);
  });
});
