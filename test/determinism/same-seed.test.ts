import { describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

const chat = (seed: number, outputTokens: Record<string, unknown> = { dist: 'lognormal', mean: 200, sd: 150 }) =>
  tinyScenario({
    seed,
    stop: { requests: 2000 },
    cluster: { gpusPerNode: 2 },
    serving: { replicas: 2 },
    workload: {
      arrival: { process: 'gamma', rate: 8, cv: 1.5 },
      inputTokens: { dist: 'lognormal', mean: 800, sd: 600 },
      outputTokens,
    },
  });

/** Arrival times and prompt lengths as the simulation saw them. */
function arrivalsOf(scenario: ReturnType<typeof chat>) {
  const seen: [number, number][] = [];
  simulate(scenario, undefined, { onArrival: (seq, _r, time) => seen.push([time, seq.promptTokens]) });
  return seen;
}

describe('determinism', () => {
  it('simulate(same scenario, same seed) gives byte-identical result JSON', () => {
    expect(JSON.stringify(simulate(chat(5)))).toBe(JSON.stringify(simulate(chat(5))));
  });

  it('simulate() with another seed gives other draws', () => {
    expect(JSON.stringify(simulate(chat(6)).latency)).not.toBe(JSON.stringify(simulate(chat(5)).latency));
  });

  it('changing the output-length distribution leaves arrival times and prompt lengths untouched (named streams)', () => {
    const a = arrivalsOf(chat(9));
    const b = arrivalsOf(chat(9, { dist: 'uniform', min: 10, max: 900 }));
    expect(b).toEqual(a);
    expect(a).toHaveLength(2000);
  });
});
