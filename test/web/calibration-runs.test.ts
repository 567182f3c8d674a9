import { describe, expect, it } from 'vitest';
import {
  baseName,
  calibrationLabel,
  calibrationNotes,
  deploymentText,
  formatError,
  formatStatistic,
  headerRows,
  loadTag,
  loadText,
  matchRuns,
  runBars,
  runLabels,
  statisticLabel,
  statisticUnit,
  tableColumns,
  tableRows,
} from '../../web/src/shape/calibration.js';
import { entryLabels, reportSections } from '../../web/src/shape/report-sections.js';
import { calibratedFixture, calibrationFixture, withoutOptionalFields } from './fixtures/calibration.js';

const uncal = calibrationFixture();
const cal = calibratedFixture();

describe('calibration check: units, names and labels', () => {
  it('statisticUnit(name) reads "(s)" as seconds and anything else as a plain number; statisticLabel drops the unit', () => {
    expect(statisticUnit('mean time to first token (s)')).toBe('seconds');
    expect(statisticUnit('mean running sequences')).toBe('number');
    expect(statisticUnit('tokens (s) per thing')).toBe('number');
    expect(statisticLabel('mean time to first token (s)')).toBe('Mean time to first token');
    expect(statisticLabel('mean running sequences')).toBe('Mean running sequences');
    expect(statisticLabel('')).toBe('');
  });

  it('formatStatistic(value, unit) gives seconds as ms/s and numbers plain; formatError(percent) is signed', () => {
    expect(formatStatistic(0.0442, 'seconds')).toBe('44.2 ms');
    expect(formatStatistic(17.04, 'seconds')).toBe('17.0 s');
    expect(formatStatistic(30.01, 'number')).toBe('30');
    expect(formatStatistic(10.66, 'number')).toBe('10.7');
    expect(formatError(25.98)).toBe('+26.0%');
    expect(formatError(-8.77)).toBe('−8.8%');
    expect(formatError(1819.6)).toBe('+1819.6%');
    expect(formatError(null)).toBe('–');
  });

  it('calibrationLabel(result) names the profile file, or the catalog constants; entryLabels adds the file name where two collide', () => {
    expect(calibrationLabel(uncal)).toBe('catalog constants (uncalibrated)');
    expect(calibrationLabel(cal)).toBe('profile h100-profile.json');
    expect(baseName('a\\b\\c.json')).toBe('c.json');
    expect(
      entryLabels([
        { file: 'u1.json', result: uncal },
        { file: 'u2.json', result: uncal },
        { file: 'c.json', result: cal },
      ]),
    ).toEqual(['catalog constants (uncalibrated) (u1.json)', 'catalog constants (uncalibrated) (u2.json)', 'profile h100-profile.json']);
  });

  it('reportSections(entries) puts every calibration check in one section, in command-line order', () => {
    const sections = reportSections([
      { file: 'c.json', result: cal },
      { file: 'u.json', result: uncal },
    ]);
    expect(sections.map((s) => [s.kind, s.entries.map((e) => e.file)])).toEqual([['calibration', ['c.json', 'u.json']]]);
  });

  it('runLabels(runs) numbers the runs of one file, adds the load in a few words, and shows whole paths only where base names collide', () => {
    expect(runLabels(uncal.runs)).toEqual(['chat.prom (12.0 req/s)', 'results.json #1 (10.0 req/s)', 'results.json #2 (burst)']);
    expect(runLabels(withoutOptionalFields(uncal).runs)).toEqual(['chat.prom', 'results.json #1', 'results.json #2']);
    expect(runLabels([{ file: 'a/run.prom' }, { file: 'b/run.prom' }, { file: 'c/other.prom' }])).toEqual(['a/run.prom', 'b/run.prom', 'other.prom']);
    expect(loadTag({ requests: 64, requestsPerSecond: 3, meanInputTokens: 1, meanOutputTokens: 1, concurrency: 4, burst: false })).toBe('4 clients');
  });

  it('loadText(load) and deploymentText(deployment) say the measured load and the deployment simulated', () => {
    expect(loadText(uncal.runs[0]!.load!)).toBe('12.0 req/s, 2,000 requests, 1,024 input / 256 output tokens on average');
    expect(loadText(uncal.runs[2]!.load!)).toBe('a burst of 900 requests sent at once, 1,024 input / 256 output tokens on average');
    expect(loadText({ ...uncal.runs[0]!.load!, concurrency: 1, requests: 1 })).toBe('1 concurrent client, 1 request, 1,024 input / 256 output tokens on average');
    expect(deploymentText(uncal.deployment!)).toBe('llama-3.1-8b on h100-sxm: TP1 × PP1, 1 replica, fp8 weights');
  });
});

describe('matchRuns', () => {
  it('matchRuns([result]) is one entry per run with its statistics, values as text in their units', () => {
    const runs = matchRuns([uncal]);
    expect(runs.map((r) => [r.key, r.label, r.presentIn])).toEqual([
      ['run-0', 'chat.prom (12.0 req/s)', [true]],
      ['run-1', 'results.json #1 (10.0 req/s)', [true]],
      ['run-2', 'results.json #2 (burst)', [true]],
    ]);
    expect(runs[0]!.statistics.map((s) => [s.label, s.unit, s.measuredText, s.simulated[0]!.text, s.simulated[0]!.errorText])).toEqual([
      ['Mean time to first token', 'seconds', '80.0 ms', '100 ms', '+25.0%'],
      ['Mean inter-token latency', 'seconds', '12.5 ms', '10.0 ms', '−20.0%'],
      ['Mean running sequences', 'number', '30', '33', '+10.0%'],
    ]);
    expect(runs[0]!.load).toBe('12.0 req/s, 2,000 requests, 1,024 input / 256 output tokens on average');
    expect(matchRuns([withoutOptionalFields(uncal)])[0]!.load).toBeNull();
  });

  it('matchRuns([a, b]) pairs runs by file, format and position in the file, so each measured value stands once beside both simulations', () => {
    const runs = matchRuns([uncal, cal]);
    expect(runs).toHaveLength(3);
    const burstTtft = runs[2]!.statistics[0]!;
    expect(burstTtft.measured).toBe(4);
    expect(burstTtft.simulated.map((s) => s?.errorPercent)).toEqual([50, 10]);
    expect(runs.every((r) => r.presentIn.every(Boolean) && r.statistics.every((s) => !s.measuredDiffers))).toBe(true);
  });

  it('matchRuns marks a run one result lacks, and measured values that disagree (not the same telemetry)', () => {
    const fewer = { ...cal, runs: cal.runs.slice(0, 2) };
    const runs = matchRuns([uncal, fewer]);
    expect(runs.map((r) => r.presentIn)).toEqual([
      [true, true],
      [true, true],
      [true, false],
    ]);
    expect(runs[2]!.statistics[0]!.simulated[1]).toBeNull();
    const other = structuredClone(cal);
    other.runs[0]!.statistics[0]!.measured = 0.09;
    expect(matchRuns([uncal, other])[0]!.statistics[0]!.measuredDiffers).toBe(true);
    // A run only the second result has comes after the first result's runs.
    const extra = { ...cal, runs: [...cal.runs, { file: 'new.prom', format: 'prometheus (vllm)', statistics: [] }] };
    expect(matchRuns([uncal, extra]).map((r) => r.label)).toEqual(['chat.prom (12.0 req/s)', 'results.json #1 (10.0 req/s)', 'results.json #2 (burst)', 'new.prom']);
  });
});

describe('calibration view model: bars, table, header, notes', () => {
  it('runBars(run, labels) gives the measured bar then one per result, each with its value and the error beside a simulation', () => {
    const [run] = matchRuns([uncal]);
    const rows = runBars(run!, ['catalog constants (uncalibrated)']);
    expect(rows.map((r) => r.label)).toEqual(['Mean time to first token', 'Mean inter-token latency', 'Mean running sequences']);
    expect(rows[0]).toEqual({
      label: 'Mean time to first token',
      max: 0.1,
      bars: [
        { series: 'measured', value: 0.08, text: '80.0 ms measured', title: 'Mean time to first token, measured: 80.0 ms' },
        { series: 'result-0', value: 0.1, text: '100 ms (+25.0%)', title: 'Mean time to first token, simulated: 100 ms, +25.0% against the measured 80.0 ms' },
      ],
    });
    const two = runBars(matchRuns([uncal, cal])[0]!, ['catalog constants (uncalibrated)', 'profile h100-profile.json']);
    expect(two[2]!.bars.map((b) => [b.series, b.text])).toEqual([
      ['measured', '30 measured'],
      ['result-0', '33 (+10.0%)'],
      ['result-1', '31.5 (+5.0%)'],
    ]);
    expect(two[2]!.bars[2]!.title).toBe('Mean running sequences, simulated with profile h100-profile.json: 31.5, +5.0% against the measured 30');
    // All zero: the axis still has a length.
    const zero = runBars({ ...run!, statistics: [{ ...run!.statistics[0]!, measured: 0, simulated: [{ value: 0, text: '0 s', errorPercent: 0, errorText: '±0.0%' }] }] }, ['x']);
    expect(zero[0]!.max).toBe(1);
  });

  it('tableColumns and tableRows: a row per run and statistic, measured then simulated and error per result', () => {
    expect(tableColumns(['a'])).toEqual(['Run', 'Statistic', 'Measured', 'Simulated', 'Error']);
    expect(tableColumns(['a', 'b'])).toEqual(['Run', 'Statistic', 'Measured', 'Simulated: a', 'Error: a', 'Simulated: b', 'Error: b']);
    const rows = tableRows(matchRuns([uncal, cal]), 2);
    expect(rows).toHaveLength(7);
    expect(rows[5]).toEqual({ run: 'run-2', cells: ['results.json #2 (burst)', 'Mean time to first token', '4.00 s', '6.00 s', '+50.0%', '4.40 s', '+10.0%'] });
    const empty = tableRows(matchRuns([{ ...uncal, runs: [{ file: 'x.prom', format: 'prometheus (vllm)', statistics: [] }] }]), 1);
    expect(empty).toEqual([{ run: 'run-0', cells: ['x.prom', 'nothing compared', '–', '–', '–'] }]);
  });

  it('headerRows(results, files) says the telemetry, the deployment and what each result simulated with; older files without a deployment skip it', () => {
    expect(headerRows([uncal], ['u.json'])).toEqual([
      ['Telemetry (2 files)', 'scrapes/chat.prom (prometheus (vllm)); bench/results.json (vllm benchmark_serving result)'],
      ['Deployment simulated', 'llama-3.1-8b on h100-sxm: TP1 × PP1, 1 replica, fp8 weights'],
      ['Simulated with', 'catalog constants, uncalibrated'],
    ]);
    expect(headerRows([withoutOptionalFields(uncal), cal], ['u.json', 'c.json'])).toEqual([
      ['Telemetry (2 files)', 'scrapes/chat.prom (prometheus (vllm)); bench/results.json (vllm benchmark_serving result)'],
      ['Deployment simulated', 'llama-3.1-8b on h100-sxm: TP1 × PP1, 1 replica, fp8 weights'],
      ['Simulated with', 'u.json: catalog constants, uncalibrated; c.json: profile profiles/h100-profile.json'],
    ]);
  });

  it('calibrationNotes says which runs a result lacks, where measurements disagree, different deployments and runs with nothing compared', () => {
    const labels = ['uncal', 'cal'];
    expect(calibrationNotes(matchRuns([uncal, cal]), [uncal, cal], labels)).toEqual([]);
    const fewer = { ...cal, runs: cal.runs.slice(0, 2) };
    expect(calibrationNotes(matchRuns([uncal, fewer]), [uncal, fewer], labels)).toEqual([
      '1 measured run is not in every result (results.json #2 (burst) is not in cal): each mean |error| is over the runs its result has.',
    ]);
    const other = structuredClone(cal);
    other.runs[1]!.statistics[1]!.measured = 0.02;
    other.deployment!.tensorParallelSize = 2;
    const notes = calibrationNotes(matchRuns([uncal, other]), [uncal, other], labels);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^1 run \(results\.json #1 \(10\.0 req\/s\)\) measured other values in another result/);
    expect(notes[1]).toMatch(/^The results simulated different deployments/);
    const empty = { ...uncal, runs: [...uncal.runs, { file: 'idle.prom', format: 'prometheus (vllm)', statistics: [] }] };
    expect(calibrationNotes(matchRuns([empty]), [empty], ['x'])).toEqual(['1 measured run had no statistic to compare (idle.prom): the file lacks the means or they are zero.']);
  });
});
