import type { CalibrationComparison } from '../../../analyzers/calibration/compare-runs.js';
import { drawCalibrationBars } from '../charts/calibration-bars.js';
import { MEASURED_COLOR, simulatedColor } from '../palette.js';
import {
  calibrationNotes,
  calibrationSummary,
  calibrationVerdict,
  formatError,
  headerRows,
  matchRuns,
  runBars,
  SUMMARY_COLUMNS,
  summaryMeasures,
  summaryRows,
  tableColumns,
  tableRows,
  type CalibrationSummary,
} from '../shape/calibration.js';
import type { Labelled } from '../shape/report-sections.js';
import { deltaPanel } from '../ui/delta-table.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend, type LegendItem } from '../ui/legend.js';
import { notices } from '../ui/notices.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { verdictLine, verdictList } from '../ui/verdict.js';

/**
 * One calibration check (`headroom calibrate --compare`), or several compared (uncalibrated
 * against calibrated, the first as the baseline): what was measured and simulated with what, the
 * errors summarised per statistic with the worst run, each measured run's statistics as measured
 * and simulated bars with the error, and every number in a table.
 */
export function calibrationView(parent: HTMLElement, entries: readonly Labelled<CalibrationComparison>[]): void {
  const several = entries.length > 1;
  const view = h('article', { class: 'view view-calibration', attrs: { 'data-view': several ? 'calibration-comparison' : 'calibration' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  const results = entries.map((e) => e.result);
  const labels = entries.map((e) => e.label);
  const runs = matchRuns(results);
  const summaries = results.map((_, i) => calibrationSummary(runs, i));

  view.append(
    h('h2', {}, several ? `${entries.length} calibration checks compared` : `Calibration check: ${runs.length} measured run${runs.length === 1 ? '' : 's'} against the simulator`),
    several
      ? verdictList(entries.map((e, i) => ({ label: e.label, verdict: calibrationVerdict(summaries[i]!, e.result.profile, true) })))
      : verdictLine(calibrationVerdict(summaries[0]!, results[0]!.profile)),
    headerList(headerRows(results, entries.map((e) => e.file))),
    h(
      'p',
      { class: 'subtitle' },
      several
        ? `Baseline: ${labels[0]!}. Each measured run appears once, with every result's simulation of it; error = simulated / measured - 1.`
        : `Each measured run was simulated with its own load; error = simulated / measured - 1. From ${entries[0]!.file}.`,
    ),
    ...notices(calibrationNotes(runs, results, labels), 'calibration-match'),
  );
  if (results.every((r) => r.profile === null)) {
    view.appendChild(
      h('p', { class: 'hint' }, 'Uncalibrated: fit a profile on this telemetry with headroom calibrate ... -o profile.json, then run calibrate --compare --profile profile.json and report both files together.'),
    );
  }

  const color = (series: string) => (series === 'measured' ? MEASURED_COLOR : simulatedColor(Number(series.slice('result-'.length))));
  const items: LegendItem[] = [
    { key: 'measured', label: 'measured', color: MEASURED_COLOR, width: 8 },
    ...entries.map((e, i): LegendItem => ({ key: `result-${i}`, label: `simulated: ${e.label}${several && i === 0 ? ' (baseline)' : ''}`, color: color(`result-${i}`), width: 8 })),
  ];
  view.appendChild(h('div', { class: 'sticky-legend' }, h('span', { class: 'legend-caption' }, 'Bars:'), legend(items, visibility, 'Show or hide measured or simulated bars in every chart')));

  view.appendChild(several ? comparisonSummary(entries, summaries) : summaryPanel(summaries[0]!));

  const section = h(
    'section',
    { class: 'panel' },
    h('h3', {}, 'Measured against simulated, run by run'),
    h('p', { class: 'hint' }, 'Each statistic on its own axis from zero; the text beside a simulated bar is its error against the measured value.'),
  );
  view.appendChild(section);
  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);
  for (const run of runs) {
    const note = [run.format, run.load].filter((t) => t !== null).join('; ');
    const f = figure(grid, 'calibration-run', run.label, note);
    f.figure.setAttribute('data-run', run.key);
    f.figure.setAttribute('title', run.file);
    const rows = runBars(run, labels);
    drawOnResize(f.plot, (width) => drawCalibrationBars(f.plot, width, rows, run.label, color));
  }

  const table = h('table', { class: 'calibration-table' }, h('caption', {}, 'Every measured statistic beside its simulation'));
  table.appendChild(h('thead', {}, h('tr', {}, ...tableColumns(labels).map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
  const body = h('tbody', {});
  const rows = tableRows(runs, results.length);
  const spans = new Map<string, number>();
  for (const row of rows) spans.set(row.run, (spans.get(row.run) ?? 0) + 1);
  rows.forEach((row, i) => {
    const [run, statistic, ...numbers] = row.cells;
    // A run's name once, beside all of its statistics.
    const first = i === 0 || rows[i - 1]!.run !== row.run;
    const head = first ? h('th', { attrs: { scope: 'rowgroup', rowspan: String(spans.get(row.run)!) } }, run ?? '') : null;
    body.appendChild(
      h('tr', { class: first ? 'run-first' : '', attrs: { 'data-run': row.run } }, head, h('td', { class: 'statistic-cell' }, statistic ?? ''), ...numbers.map((cell) => h('td', {}, cell))),
    );
  });
  table.appendChild(body);
  view.appendChild(h('section', { class: 'panel' }, h('h3', {}, 'The numbers'), h('div', { class: 'table-scroll' }, table)));
}

/** The header: label/value pairs as a definition list (text only). */
function headerList(rows: readonly [string, string][]): HTMLElement {
  const list = h('dl', { class: 'calibration-header' });
  for (const [label, value] of rows) list.append(h('dt', {}, label), h('dd', {}, value));
  return list;
}

/** One result's summary: a row per statistic (mean |error|, bias, worst run) and all statistics together. */
function summaryPanel(summary: CalibrationSummary): HTMLElement {
  const table = h('table', { class: 'calibration-summary' }, h('caption', {}, 'Errors over the measured runs (|error|: how far off, whichever way; bias: which way on average)'));
  table.appendChild(h('thead', {}, h('tr', {}, ...SUMMARY_COLUMNS.map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
  const body = h('tbody', {});
  for (const [label, ...cells] of summaryRows(summary)) body.appendChild(h('tr', {}, h('th', { attrs: { scope: 'row' } }, label ?? ''), ...cells.map((c) => h('td', {}, c))));
  table.appendChild(body);
  return h('section', { class: 'panel' }, h('h3', {}, 'Summary'), h('div', { class: 'table-scroll' }, table));
}

/** Several results: the mean |errors| against the baseline's (the delta table), then each result's worst run. */
function comparisonSummary(entries: readonly Labelled<CalibrationComparison>[], summaries: readonly CalibrationSummary[]): HTMLElement {
  const sentences = h(
    'ul',
    { class: 'sentences' },
    ...entries.map((e, i) => {
      const worst = summaries[i]!.worstRun;
      return h('li', { attrs: { 'data-series': `result-${i}` } }, h('strong', {}, `${e.label}: `), worst === null ? 'nothing compared' : `worst run ${worst.run}, ${worst.statistic.toLowerCase()} off by ${formatError(worst.errorPercent)}`);
    }),
  );
  return deltaPanel(
    entries.map((e, i) => ({ label: e.label, result: i })),
    summaryMeasures(summaries),
    'Mean |error| of each statistic over the measured runs, each result against the baseline (first)',
    sentences,
  );
}
