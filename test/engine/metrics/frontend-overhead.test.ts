import { describe, expect, it } from 'vitest';
import { DEFAULT_FRONTEND_OVERHEAD } from '../../../engine/scenario/scenario-schema.js';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/** The API server's share of client-measured latency: added to what a client sees, never to the engine. */
const run = (frontendOverhead: Record<string, unknown>, workload: Record<string, unknown> = {}) =>
  simulate(tinyScenario({ stop: { requests: 300 }, serving: { frontendOverhead }, workload }));

describe('serving.frontendOverhead', () => {
  it('defaults to the values fitted on client-side measurements', () => {
    expect(tinyScenario().serving.frontendOverhead).toEqual(DEFAULT_FRONTEND_OVERHEAD);
  });

  it('perRequest adds to queue wait, TTFT and e2e as the client sees them; engineTtft and engineE2e stay the engine time', () => {
    const none = run({ perRequest: 0, perOutputToken: 0 });
    const some = run({ perRequest: '50ms', perOutputToken: 0 });
    expect(some.latency.engineTtft).toEqual(none.latency.engineTtft);
    expect(some.latency.engineE2e).toEqual(none.latency.engineE2e);
    expect(some.latency.ttft.mean!).toBeCloseTo(none.latency.ttft.mean! + 0.05, 9);
    expect(some.latency.queueWait.mean!).toBeCloseTo(none.latency.queueWait.mean! + 0.05, 9);
    expect(some.latency.e2e.mean!).toBeCloseTo(none.latency.e2e.mean! + 0.05, 9);
    // e2e - queueWait is still the engine's service time.
    expect(some.latency.e2e.mean! - some.latency.queueWait.mean!).toBeCloseTo(none.latency.e2e.mean! - none.latency.queueWait.mean!, 9);
    expect(none.latency.ttft).toEqual(none.latency.engineTtft);
  });

  it('perOutputToken adds to every token after the first: TPOT and ITL by that much, e2e by that much x (outputTokens - 1)', () => {
    const none = run({ perRequest: 0, perOutputToken: 0 });
    const some = run({ perRequest: 0, perOutputToken: '1ms' });
    expect(some.latency.tpot.mean!).toBeCloseTo(none.latency.tpot.mean! + 0.001, 9);
    expect(some.latency.itl.mean!).toBeCloseTo(none.latency.itl.mean! + 0.001, 6);
    expect(some.latency.e2e.mean!).toBeCloseTo(none.latency.e2e.mean! + 0.001 * 63, 9);
    expect(some.latency.ttft).toEqual(none.latency.ttft);
  });

  it('a closed-loop client waits for the whole answer, so the API server lengthens each cycle', () => {
    const closed = { arrival: { process: 'closed', concurrency: 1 } };
    const none = run({ perRequest: 0, perOutputToken: 0 }, closed);
    const some = run({ perRequest: '100ms', perOutputToken: 0 }, closed);
    // One client: 300 cycles, each 100 ms longer.
    expect(some.run.lastArrivalSeconds - none.run.lastArrivalSeconds).toBeCloseTo(299 * 0.1, 6);
  });

  it('rejects a negative or non-duration overhead with the key path', () => {
    expect(() => tinyScenario({ serving: { frontendOverhead: { perRequest: -1 } } })).toThrow(/"frontendOverhead","perRequest"\],"message":"expected a non-negative duration/);
    expect(() => tinyScenario({ serving: { frontendOverhead: { perToken: '1ms' } } })).toThrow(/perToken/);
  });
});
