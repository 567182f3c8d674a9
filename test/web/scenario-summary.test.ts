import { describe, expect, it } from 'vitest';
import { describeArrival, describeLengths, scenarioSections } from '../../web/src/shape/scenario-summary.js';
import { chatScenario } from './fixtures/results.js';

describe('scenarioSections', () => {
  it('scenarioSections(scenario) lays out model, hardware, parallelism, workload and SLO as text rows', () => {
    const sections = scenarioSections(chatScenario());
    expect(sections.map((s) => s.title)).toEqual(['Model', 'Hardware', 'Parallelism and serving', 'Workload', 'SLO and run']);
    const rows = Object.fromEntries(sections.flatMap((s) => s.rows));
    expect(rows.Model).toBe('Llama 3.1 8B (8.03B parameters)');
    expect(rows.Cluster).toBe('1 node × 1 GPU = 1 GPU');
    expect(rows.Parallelism).toBe('TP 1 × PP 1, 1 replica');
    expect(rows.Arrivals).toBe('Poisson, 12.0 req/s');
    expect(rows.SLO).toBe('ttftP99 ≤ 2.00 s, tpotP99 ≤ 100 ms');
  });

  it('describeArrival and describeLengths read every process and distribution', () => {
    expect(describeArrival({ process: 'gamma', rate: 8, cv: 2 })).toBe('Gamma, 8.00 req/s, CV 2');
    expect(describeArrival({ process: 'trace', file: '/data/azure/conv.csv', timeScale: 2 })).toBe('Trace conv.csv, 2× speed');
    expect(describeArrival({ process: 'closed', concurrency: 64, thinkTime: 0.5 })).toBe('Closed loop, 64 clients, think time 500 ms');
    expect(describeLengths({ dist: 'fixed', value: 1024 })).toBe('1,024 tokens each');
    expect(describeLengths({ dist: 'uniform', min: 10, max: 2000 })).toBe('uniform 10–2,000 tokens');
    expect(describeLengths({ dist: 'empirical', file: 'C:\\traces\\len.txt' })).toBe('empirical, from len.txt');
  });
});
