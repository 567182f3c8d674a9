import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine/scenario/load-scenario.js';
import { simulate } from '../../engine/simulate.js';
import { hasSharedData } from '../helpers/shared-data.js';

/**
 * A guard on work, not on time: the 10k-request workloads may not take more events or scheduler
 * steps than they do today (one event per step end and per arrival, a few more per instant; see
 * engine/replica/replica.ts). Wall time is `npm run bench`'s, never a test's. A change that lowers
 * these lowers the bounds here with it.
 */
describe('work per simulation does not grow', () => {
  it('the demo (10,000 chat requests on one H100): at most 76,342 events and 66,341 steps', () => {
    const { scenario, data } = loadScenario('scenarios/llama-3.1-8b-h100-chat.yaml');
    const r = simulate(scenario, data);
    expect(r.requests.completed).toBe(10_000);
    expect(r.run.events).toBeLessThanOrEqual(76_342);
    expect(r.run.steps).toBeLessThanOrEqual(66_341);
  });

  it.runIf(hasSharedData('workloads'))("Vidur's 10,000-request workload: at most 93,271 events and 83,270 steps", () => {
    const { scenario, data } = loadScenario('scenarios/vidur-benchmark-llama-2-7b-a100.yaml');
    const r = simulate(scenario, data);
    expect(r.requests.completed).toBe(10_000);
    expect(r.run.events).toBeLessThanOrEqual(93_271);
    expect(r.run.steps).toBeLessThanOrEqual(83_270);
  });
});
