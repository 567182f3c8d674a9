import { describe, expect, it } from 'vitest';
import { calibrationSummary, calibrationVerdict, matchRuns, SUMMARY_COLUMNS, summaryMeasures, summaryRows } from '../../web/src/shape/calibration.js';
import { deltaRows } from '../../web/src/shape/deltas.js';
import { calibratedFixture, calibrationFixture } from './fixtures/calibration.js';

const uncal = calibrationFixture();
const cal = calibratedFixture();
const runs = matchRuns([uncal, cal]);

describe('calibrationSummary', () => {
  it('calibrationSummary(runs, i) gives each statistic mean |error|, bias and worst run, worked out by hand from the fixture', () => {
    const s = calibrationSummary(runs, 0);
    expect(s.statistics.map((x) => [x.label, x.runs, x.meanAbsErrorPercent, x.meanErrorPercent, x.worst])).toEqual([
      ['Mean time to first token', 3, (25 + 20 + 50) / 3, (25 + 20 + 50) / 3, { run: 'results.json #2 (burst)', errorPercent: 50 }],
      ['Mean inter-token latency', 1, 20, -20, { run: 'chat.prom (12.0 req/s)', errorPercent: -20 }],
      ['Mean running sequences', 1, 10, 10, { run: 'chat.prom (12.0 req/s)', errorPercent: 10 }],
      ['Mean time per output token', 2, 7.5, -7.5, { run: 'results.json #1 (10.0 req/s)', errorPercent: -10 }],
    ]);
    // Over all seven (run, statistic) pairs: (25 + 20 + 10 + 20 + 10 + 50 + 5) / 7.
    expect(s.meanAbsErrorPercent).toBeCloseTo(20, 12);
    expect(s.comparisons).toBe(7);
    expect(s.runs).toBe(3);
    // The burst run is furthest off on average ((50 + 5) / 2 against 18.3 and 15), at its TTFT.
    expect(s.worstRun).toEqual({ run: 'results.json #2 (burst)', meanAbsErrorPercent: 27.5, statistic: 'Mean time to first token', errorPercent: 50 });
    const c = calibrationSummary(runs, 1);
    expect(c.meanAbsErrorPercent).toBeCloseTo(28.3 / 7, 12);
    expect(c.worstRun).toMatchObject({ run: 'results.json #2 (burst)', meanAbsErrorPercent: 5.5, errorPercent: 10 });
  });

  it('calibrationSummary counts only the runs its result has, and is empty (nulls) when nothing was compared', () => {
    const fewer = { ...cal, runs: cal.runs.slice(0, 1) };
    const s = calibrationSummary(matchRuns([uncal, fewer]), 1);
    expect(s.runs).toBe(1);
    expect(s.statistics.map((x) => x.runs)).toEqual([1, 1, 1]);
    const none = calibrationSummary(matchRuns([{ ...uncal, runs: [{ file: 'x.prom', format: 'prometheus (vllm)', statistics: [] }] }]), 0);
    expect(none).toEqual({ statistics: [], meanAbsErrorPercent: null, comparisons: 0, runs: 1, worstRun: null });
  });

  it('summaryRows(summary) is a row per statistic in SUMMARY_COLUMNS order, then all statistics with the worst run', () => {
    expect(SUMMARY_COLUMNS).toEqual(['Statistic', 'Runs', 'Mean |error|', 'Mean error (bias)', 'Worst run', 'Its error']);
    expect(summaryRows(calibrationSummary(runs, 0))).toEqual([
      ['Mean time to first token', '3', '31.7%', '+31.7%', 'results.json #2 (burst)', '+50.0%'],
      ['Mean inter-token latency', '1', '20.0%', '−20.0%', 'chat.prom (12.0 req/s)', '−20.0%'],
      ['Mean running sequences', '1', '10.0%', '+10.0%', 'chat.prom (12.0 req/s)', '+10.0%'],
      ['Mean time per output token', '2', '7.5%', '−7.5%', 'results.json #1 (10.0 req/s)', '−10.0%'],
      ['All statistics', '3', '20.0%', '–', 'results.json #2 (burst)', '+50.0% (Mean time to first token)'],
    ]);
  });

  it('calibrationVerdict(summary, profile) says what it was simulated with, the mean |error| and the worst run', () => {
    expect(calibrationVerdict(calibrationSummary(runs, 0), null)).toEqual({
      status: 'none',
      text: 'Catalog constants, uncalibrated: mean |error| 20.0% over 3 measured runs (7 statistics); worst run results.json #2 (burst) (+50.0% mean time to first token)',
    });
    expect(calibrationVerdict(calibrationSummary(runs, 1), cal.profile).text).toBe(
      'Profile profiles/h100-profile.json: mean |error| 4.0% over 3 measured runs (7 statistics); worst run results.json #2 (burst) (+10.0% mean time to first token)',
    );
    // Beside a label that names the profile already.
    expect(calibrationVerdict(calibrationSummary(runs, 1), cal.profile, true).text).toMatch(/^Mean \|error\| 4\.0% over 3 measured runs/);
    const one = calibrationSummary(matchRuns([{ ...uncal, runs: uncal.runs.slice(0, 1) }]), 0);
    expect(calibrationVerdict(one, null).text).toBe('Catalog constants, uncalibrated: mean |error| 18.3% over 1 measured run (3 statistics)');
    const none = calibrationSummary(matchRuns([{ ...uncal, runs: [{ file: 'x.prom', format: 'f', statistics: [] }] }]), 0);
    expect(calibrationVerdict(none, null).text).toBe('Catalog constants, uncalibrated: no statistic could be compared in 1 measured run');
  });

  it('summaryMeasures(summaries) feed the delta table: each statistic and all together, lower is better, changes in points', () => {
    const summaries = [calibrationSummary(runs, 0), calibrationSummary(runs, 1)];
    const rows = deltaRows([0, 1], summaryMeasures(summaries));
    expect(rows.map((r) => [r.label, r.texts, r.deltas, r.verdicts])).toEqual([
      ['Mean time to first token: mean |error|', ['31.7%', '5.5%'], ['', '−26.2 pt'], ['none', 'better']],
      ['Mean inter-token latency: mean |error|', ['20.0%', '0.8%'], ['', '−19.2 pt'], ['none', 'better']],
      ['Mean running sequences: mean |error|', ['10.0%', '5.0%'], ['', '−5.0 pt'], ['none', 'better']],
      ['Mean time per output token: mean |error|', ['7.5%', '3.0%'], ['', '−4.5 pt'], ['none', 'better']],
      ['All statistics: mean |error|', ['20.0%', '4.0%'], ['', '−16.0 pt'], ['none', 'better']],
    ]);
    // A statistic only one result has shows a dash for the other.
    const partial = [calibrationSummary(runs, 0), calibrationSummary(matchRuns([{ ...cal, runs: cal.runs.slice(1) }]), 0)];
    const itl = deltaRows([0, 1], summaryMeasures(partial)).find((r) => r.label.startsWith('Mean inter-token'))!;
    expect(itl.texts).toEqual(['20.0%', '–']);
  });
});
