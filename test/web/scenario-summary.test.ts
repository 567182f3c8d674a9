import { describe, expect, it } from 'vitest';
import { calibrationNotices, calibrationOf, calibrationWarning, describeArrival, describeLengths, scenarioSections } from '../../web/src/shape/scenario-summary.js';
import { BORROWED_CALIBRATION, chatScenario, saturationFixture, simulated, uncalibrated, withoutCalibration } from './fixtures/results.js';

const rowsOf = (sections: ReturnType<typeof scenarioSections>) => Object.fromEntries(sections.flatMap((s) => s.rows));
const WARNING = 'Uncalibrated: step-time constants borrowed from a100 (no bf16 measurements on mi300x); no measurements of this GPU and dtype were fitted, so the figures are extrapolations.';

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

  it('a fitted result reads "fitted on measurements: <source>" in the Calibration row and warns of nothing', () => {
    const result = simulated();
    const fitted = calibrationOf(result)!;
    expect(fitted).toMatchObject({ gpuFamily: 'h100', fitted: true });
    const rows = rowsOf(scenarioSections(result.scenario, fitted));
    expect(rows.Calibration).toBe(`fitted on measurements: ${fitted.source}`);
    expect(scenarioSections(result.scenario, fitted)[1]!.rows.map(([label]) => label)).toEqual(['GPU', 'Cluster', 'Fabric', 'Calibration']);
    expect(calibrationWarning(fitted)).toBeNull();
    expect(calibrationNotices([{ label: 'a', result }])).toEqual([]);
  });

  it('a borrowed calibration says whose constants stand in, in the row and in a warning (simulation and saturation alike)', () => {
    for (const result of [uncalibrated(simulated()), uncalibrated(saturationFixture(chatScenario()))]) {
      const borrowed = calibrationOf(result)!;
      expect(rowsOf(scenarioSections(result.scenario, borrowed)).Calibration).toBe('uncalibrated: constants borrowed from a100 (no bf16 measurements on mi300x)');
      expect(calibrationWarning(borrowed)).toBe(WARNING);
      expect(calibrationNotices([{ label: 'a', result }])).toEqual([WARNING]);
    }
    const { borrowedFrom: _, ...unnamed } = BORROWED_CALIBRATION;
    expect(calibrationWarning(unnamed)).toContain('borrowed from another GPU family;');
  });

  it('an older result file without calibration shows no row and no warning', () => {
    const result = withoutCalibration(simulated());
    expect('calibration' in result).toBe(false);
    expect(calibrationOf(result)).toBeNull();
    expect(calibrationOf(withoutCalibration(saturationFixture(chatScenario())))).toBeNull();
    expect(rowsOf(scenarioSections(result.scenario, calibrationOf(result)))).not.toHaveProperty('Calibration');
    expect(calibrationWarning(null)).toBeNull();
    expect(calibrationNotices([{ label: 'old', result }])).toEqual([]);
  });

  it('calibrationNotices(entries) warns once per borrowing, naming the results only when some are fitted', () => {
    const fitted = saturationFixture(chatScenario());
    const borrowed = uncalibrated(fitted);
    expect(calibrationNotices([{ label: 'a', result: borrowed }, { label: 'b', result: borrowed }])).toEqual([WARNING]);
    expect(calibrationNotices([{ label: 'a', result: fitted }, { label: 'b', result: borrowed }, { label: 'c', result: borrowed }, { label: 'old', result: withoutCalibration(fitted) }])).toEqual([`b, c: ${WARNING}`]);
  });
});
