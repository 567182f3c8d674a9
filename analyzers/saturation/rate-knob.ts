import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import type { WorkloadData } from '../../engine/workload/workload-data.js';

/** How a sweep imposes an offered rate on a scenario, and what the scenario offers today. */
export interface RateKnob {
  name: 'arrival.rate' | 'arrival.timeScale';
  /** The scenario's own offered rate, req/s. */
  currentRate: number;
  withRate(rate: number): Scenario;
}

/**
 * Open-loop arrivals take the rate directly; a trace is replayed faster or slower (timeScale) so
 * that its mean rate is the one asked for. Closed loops have no offered rate to sweep.
 */
export function rateKnobOf(scenario: Scenario, data: WorkloadData, file: string): RateKnob {
  const arrival = scenario.workload.arrival;
  const vary = (a: Scenario['workload']['arrival']): Scenario => ({ ...scenario, workload: { ...scenario.workload, arrival: a } });
  switch (arrival.process) {
    case 'poisson':
    case 'gamma':
      return { name: 'arrival.rate', currentRate: arrival.rate, withRate: (rate) => vary({ ...arrival, rate }) };
    case 'trace': {
      const trace = data.trace!;
      const n = trace.arrivals.length;
      // data.trace arrivals are already divided by the scenario's timeScale.
      const span = n > 1 ? trace.arrivals[n - 1]! : 0;
      if (!(span > 0)) {
        throw new ScenarioError([{ file, path: ['workload', 'arrival', 'file'], message: 'expected a trace spanning some time to sweep its rate, got one instant' }]);
      }
      const currentRate = (n - 1) / span;
      const nativeRate = currentRate / arrival.timeScale;
      return { name: 'arrival.timeScale', currentRate, withRate: (rate) => vary({ ...arrival, timeScale: rate / nativeRate }) };
    }
    case 'closed':
      throw new ScenarioError([
        {
          file,
          path: ['workload', 'arrival', 'process'],
          message: 'expected an open-loop arrival process (poisson, gamma or trace) to sweep the offered rate, got closed',
        },
      ]);
  }
}
