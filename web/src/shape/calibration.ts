import type { CalibrationComparison, ComparedDeployment, ComparedLoad, ComparedRun } from '../../../analyzers/calibration/compare-runs.js';
import { formatCount, formatNumber, formatPercent, formatRate, formatSeconds, formatSignedPercent, MISSING } from '../format.js';
import type { Measure } from './deltas.js';
import type { Verdict } from './verdict.js';

/**
 * A calibration check (`headroom calibrate --compare`) shaped for the report: every measured run
 * matched across the results given (one, or several: uncalibrated against calibrated), each
 * statistic's measured value beside every result's simulated one, and the error summaries.
 * Pure and DOM-free; test/web/calibration-*.test.ts check it.
 */

/** What a statistic counts: a name ending in "(s)" is seconds, anything else a plain number. */
export type StatisticUnit = 'seconds' | 'number';

const SECONDS_SUFFIX = /\s*\(s\)\s*$/;

/** statisticUnit("mean time to first token (s)") -> 'seconds'; "mean running sequences" -> 'number'. */
export function statisticUnit(name: string): StatisticUnit {
  return SECONDS_SUFFIX.test(name) ? 'seconds' : 'number';
}

/** statisticLabel("mean time to first token (s)") -> "Mean time to first token": the unit goes into the values. */
export function statisticLabel(name: string): string {
  const bare = name.replace(SECONDS_SUFFIX, '');
  return bare.length > 0 ? bare[0]!.toUpperCase() + bare.slice(1) : name;
}

/** formatStatistic(0.0442, 'seconds') -> "44.2 ms"; (30.01, 'number') -> "30". */
export function formatStatistic(value: number | null | undefined, unit: StatisticUnit): string {
  return unit === 'seconds' ? formatSeconds(value) : formatNumber(value);
}

/** formatError(25.98) -> "+26.0%": a statistic's error, simulated against measured. */
export function formatError(errorPercent: number | null | undefined): string {
  return typeof errorPercent === 'number' ? formatSignedPercent(errorPercent / 100) : MISSING;
}

/** The last part of a path ("a/b/run.prom" -> "run.prom"), for either separator. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? path;
}

/** simulatedWith(profile) -> "profile p.json" (the path as given) or "catalog constants, uncalibrated". */
export function simulatedWith(profile: string | null): string {
  return profile === null ? 'catalog constants, uncalibrated' : `profile ${profile}`;
}

/** calibrationLabel(result) -> what the report calls a calibration check: its profile's file name, or the catalog constants. */
export function calibrationLabel(result: CalibrationComparison): string {
  return result.profile === null ? 'catalog constants (uncalibrated)' : `profile ${baseName(result.profile)}`;
}

/** deploymentText(d) -> "llama-3.1-8b on h100-sxm: TP1 × PP1, 1 replica, fp8 weights". */
export function deploymentText(d: ComparedDeployment): string {
  return `${d.model} on ${d.gpu}: TP${d.tensorParallelSize} × PP${d.pipelineParallelSize}, ${formatCount(d.replicas)} replica${d.replicas === 1 ? '' : 's'}, ${d.quantization} weights`;
}

/** loadText(load) -> "10.00 req/s, 300 requests, 999 input / 270 output tokens on average" (or a burst, or N clients). */
export function loadText(load: ComparedLoad): string {
  const requests = `${formatCount(load.requests)} request${load.requests === 1 ? '' : 's'}`;
  const how = load.burst
    ? `a burst of ${requests} sent at once`
    : load.concurrency !== null
      ? `${formatCount(load.concurrency)} concurrent client${load.concurrency === 1 ? '' : 's'}, ${requests}`
      : `${formatRate(load.requestsPerSecond, 'req/s')}, ${requests}`;
  return `${how}, ${formatNumber(load.meanInputTokens)} input / ${formatNumber(load.meanOutputTokens)} output tokens on average`;
}

/** loadTag(load) -> "10.00 req/s", "burst" or "4 clients": the few words that tell runs of one file apart. */
export function loadTag(load: ComparedLoad): string {
  if (load.burst) return 'burst';
  if (load.concurrency !== null) return `${formatCount(load.concurrency)} client${load.concurrency === 1 ? '' : 's'}`;
  return formatRate(load.requestsPerSecond, 'req/s');
}

/** One result's simulation of a statistic, with its error against the measured value it was given. */
export interface SimulatedValue {
  value: number;
  text: string;
  errorPercent: number;
  errorText: string;
}

/** A statistic of a measured run: its measured value and each result's simulated one (null where a result lacks it). */
export interface MatchedStatistic {
  name: string;
  label: string;
  unit: StatisticUnit;
  measured: number;
  measuredText: string;
  simulated: (SimulatedValue | null)[];
  /** The results do not agree on the measured value: not the same telemetry, whatever the file name says. */
  measuredDiffers: boolean;
}

/** A measured run as the report shows it, matched across results by file, format and position among the file's runs. */
export interface MatchedRun {
  /** "run-3": made by the report, never from data. */
  key: string;
  /** "run.prom", or "results.json #2 (30.00 req/s)" where a file holds several runs. */
  label: string;
  file: string;
  format: string;
  /** The measured load in words, when the comparison records it. */
  load: string | null;
  /** Per result: whether it has this run. */
  presentIn: boolean[];
  statistics: MatchedStatistic[];
}

/**
 * matchRuns(results) -> every measured run of the results, in order of first appearance. A run is
 * the same in two results when its file, format and position among that file's runs agree (the
 * same telemetry flags in the same order give the same runs); its measured values come from the
 * first result that has it, and `measuredDiffers` says when another result measured otherwise.
 */
export function matchRuns(results: readonly CalibrationComparison[]): MatchedRun[] {
  const byKey = new Map<string, { run: ComparedRun; perResult: (ComparedRun | null)[] }>();
  results.forEach((result, i) => {
    const seen = new Map<string, number>();
    for (const run of result.runs) {
      const id = `${run.file}\u0000${run.format}`;
      const nth = seen.get(id) ?? 0;
      seen.set(id, nth + 1);
      const key = `${id}\u0000${nth}`;
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { run, perResult: results.map(() => null) }));
      entry.perResult[i] = run;
    }
  });
  const entries = [...byKey.values()];
  const labels = runLabels(entries.map((e) => e.run));
  return entries.map(({ run, perResult }, index) => ({
    key: `run-${index}`,
    label: labels[index]!,
    file: run.file,
    format: run.format,
    load: run.load ? loadText(run.load) : null,
    presentIn: perResult.map((r) => r !== null),
    statistics: matchStatistics(perResult),
  }));
}

/** The statistics of one run across results, by name in order of first appearance. */
function matchStatistics(perResult: readonly (ComparedRun | null)[]): MatchedStatistic[] {
  const names: string[] = [];
  for (const run of perResult) for (const s of run?.statistics ?? []) if (!names.includes(s.name)) names.push(s.name);
  return names.map((name) => {
    const found = perResult.map((run) => run?.statistics.find((s) => s.name === name) ?? null);
    const measured = found.find((s) => s !== null)!.measured;
    const unit = statisticUnit(name);
    return {
      name,
      label: statisticLabel(name),
      unit,
      measured,
      measuredText: formatStatistic(measured, unit),
      simulated: found.map((s) => (s === null ? null : { value: s.simulated, text: formatStatistic(s.simulated, unit), errorPercent: s.errorPercent, errorText: formatError(s.errorPercent) })),
      measuredDiffers: found.some((s) => s !== null && Math.abs(s.measured - measured) > 1e-9 * Math.max(1, Math.abs(measured))),
    };
  });
}

/**
 * runLabels(runs) -> a name for each run: its file's base name (the whole path where two files
 * share a base name), "#k" where a file holds several runs, and the load in a few words.
 */
export function runLabels(runs: readonly Pick<ComparedRun, 'file' | 'load'>[]): string[] {
  const files = [...new Set(runs.map((r) => r.file))];
  const shown = new Map(files.map((f) => [f, files.some((g) => g !== f && baseName(g) === baseName(f)) ? f : baseName(f)]));
  const perFile = new Map<string, number>();
  for (const r of runs) perFile.set(r.file, (perFile.get(r.file) ?? 0) + 1);
  const nth = new Map<string, number>();
  return runs.map((r) => {
    const k = (nth.get(r.file) ?? 0) + 1;
    nth.set(r.file, k);
    const number = perFile.get(r.file)! > 1 ? ` #${k}` : '';
    return `${shown.get(r.file)!}${number}${r.load ? ` (${loadTag(r.load)})` : ''}`;
  });
}

/** One statistic's errors over the runs of one result. */
export interface StatisticSummary {
  name: string;
  label: string;
  /** Runs with this statistic. */
  runs: number;
  /** Mean of |error|, in percent. */
  meanAbsErrorPercent: number;
  /** Mean of the signed errors, in percent: above 0 the simulator reads high on average. */
  meanErrorPercent: number;
  /** The run with the largest |error| on this statistic. */
  worst: { run: string; errorPercent: number };
}

export interface CalibrationSummary {
  statistics: StatisticSummary[];
  /** Mean |error| over every (run, statistic) pair, in percent; null when nothing was compared. */
  meanAbsErrorPercent: number | null;
  comparisons: number;
  runs: number;
  /** The run whose statistics are furthest off on average, and its worst statistic. */
  worstRun: { run: string; meanAbsErrorPercent: number; statistic: string; errorPercent: number } | null;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** calibrationSummary(runs, index) -> the errors of result `index` over the matched runs it has. */
export function calibrationSummary(runs: readonly MatchedRun[], index: number): CalibrationSummary {
  const names: { name: string; label: string }[] = [];
  const errors = new Map<string, { run: string; errorPercent: number }[]>();
  let worstRun: CalibrationSummary['worstRun'] = null;
  let all: number[] = [];
  let present = 0;
  for (const run of runs) {
    if (!run.presentIn[index]) continue;
    present += 1;
    const mine: { label: string; errorPercent: number }[] = [];
    for (const s of run.statistics) {
      const sim = s.simulated[index];
      if (!sim) continue;
      if (!errors.has(s.name)) {
        errors.set(s.name, []);
        names.push({ name: s.name, label: s.label });
      }
      errors.get(s.name)!.push({ run: run.label, errorPercent: sim.errorPercent });
      mine.push({ label: s.label, errorPercent: sim.errorPercent });
    }
    if (mine.length === 0) continue;
    all = all.concat(mine.map((m) => Math.abs(m.errorPercent)));
    const runMean = mean(mine.map((m) => Math.abs(m.errorPercent)));
    if (worstRun === null || runMean > worstRun.meanAbsErrorPercent) {
      const top = mine.reduce((a, b) => (Math.abs(b.errorPercent) > Math.abs(a.errorPercent) ? b : a));
      worstRun = { run: run.label, meanAbsErrorPercent: runMean, statistic: top.label, errorPercent: top.errorPercent };
    }
  }
  const statistics = names.map(({ name, label }) => {
    const list = errors.get(name)!;
    const worst = list.reduce((a, b) => (Math.abs(b.errorPercent) > Math.abs(a.errorPercent) ? b : a));
    return {
      name,
      label,
      runs: list.length,
      meanAbsErrorPercent: mean(list.map((e) => Math.abs(e.errorPercent))),
      meanErrorPercent: mean(list.map((e) => e.errorPercent)),
      worst,
    };
  });
  return { statistics, meanAbsErrorPercent: all.length > 0 ? mean(all) : null, comparisons: all.length, runs: present, worstRun };
}

/** The columns of the summary table of one result. */
export const SUMMARY_COLUMNS = ['Statistic', 'Runs', 'Mean |error|', 'Mean error (bias)', 'Worst run', 'Its error'];

/** summaryRows(summary) -> one row of text cells per statistic, in SUMMARY_COLUMNS order, and an "All statistics" row. */
export function summaryRows(summary: CalibrationSummary): string[][] {
  const rows = summary.statistics.map((s) => [s.label, formatCount(s.runs), formatPercent(s.meanAbsErrorPercent / 100), formatError(s.meanErrorPercent), s.worst.run, formatError(s.worst.errorPercent)]);
  if (summary.statistics.length > 1 && summary.meanAbsErrorPercent !== null && summary.worstRun !== null) {
    rows.push(['All statistics', formatCount(summary.runs), formatPercent(summary.meanAbsErrorPercent / 100), MISSING, summary.worstRun.run, `${formatError(summary.worstRun.errorPercent)} (${summary.worstRun.statistic})`]);
  }
  return rows;
}

const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

/**
 * calibrationVerdict(summary, profile, named) -> "Catalog constants, uncalibrated: mean |error| 5.2%
 * over 9 measured runs (18 statistics); worst run x.json (+1819.6% mean time to first token)".
 * `named`: the line stands beside a label that already says what it was simulated with, so it
 * starts at "Mean |error|". Status 'none': how far off is too far is the reader's call.
 */
export function calibrationVerdict(summary: CalibrationSummary, profile: string | null, named = false): Verdict {
  const how = simulatedWith(profile);
  const prefix = named ? '' : `${how[0]!.toUpperCase()}${how.slice(1)}: `;
  const capital = (text: string) => (named ? `${text[0]!.toUpperCase()}${text.slice(1)}` : text);
  if (summary.meanAbsErrorPercent === null || summary.worstRun === null) {
    return { status: 'none', text: `${prefix}${capital(`no statistic could be compared in ${plural(summary.runs, 'measured run')}`)}` };
  }
  const worst = summary.runs > 1 ? `; worst run ${summary.worstRun.run} (${formatError(summary.worstRun.errorPercent)} ${summary.worstRun.statistic.toLowerCase()})` : '';
  return {
    status: 'none',
    text: `${prefix}${capital(`mean |error| ${formatPercent(summary.meanAbsErrorPercent / 100)} over ${plural(summary.runs, 'measured run')} (${plural(summary.comparisons, 'statistic')})`)}${worst}`,
  };
}

/**
 * summaryMeasures(summaries) -> the rows of a comparison's delta table, over result indexes: each
 * statistic's mean |error| (lower is better), then all statistics together. Errors are fractions
 * here, so changes read in percentage points.
 */
export function summaryMeasures(summaries: readonly CalibrationSummary[]): Measure<number>[] {
  const names: { name: string; label: string }[] = [];
  for (const summary of summaries) for (const s of summary.statistics) if (!names.some((n) => n.name === s.name)) names.push({ name: s.name, label: s.label });
  const pct = (n: number) => formatPercent(n);
  const measures: Measure<number>[] = names.map(({ name, label }) => ({
    label: `${label}: mean |error|`,
    better: 'lower',
    fraction: true,
    pick: (i) => {
      const s = summaries[i]?.statistics.find((x) => x.name === name);
      return s ? s.meanAbsErrorPercent / 100 : null;
    },
    format: pct,
  }));
  measures.push({ label: 'All statistics: mean |error|', better: 'lower', fraction: true, pick: (i) => ((summaries[i]?.meanAbsErrorPercent ?? null) === null ? null : summaries[i]!.meanAbsErrorPercent! / 100), format: pct });
  return measures;
}

/** One bar of a run's chart: the measured value, or a result's simulation with its error. */
export interface CalibrationBar {
  /** "measured", or "result-i": the legend key that shows or hides it. */
  series: string;
  value: number;
  /** The text beside the bar: "44.2 ms measured", "55.6 ms (+26.0%)". */
  text: string;
  /** Its tooltip: what it is, its value, and for a simulation its error against the measured value. */
  title: string;
}

/** A statistic of a run as the chart draws it: a heading and its bars on one axis from zero. */
export interface CalibrationBarRow {
  label: string;
  bars: CalibrationBar[];
  /** The axis end: the largest bar (1 when every bar is 0). */
  max: number;
}

/** runBars(run, resultLabels) -> per statistic, the measured bar and one bar per result that simulated it. */
export function runBars(run: MatchedRun, resultLabels: readonly string[]): CalibrationBarRow[] {
  const several = resultLabels.length > 1;
  return run.statistics.map((s) => {
    const bars: CalibrationBar[] = [{ series: 'measured', value: s.measured, text: `${s.measuredText} measured`, title: `${s.label}, measured: ${s.measuredText}` }];
    s.simulated.forEach((sim, i) => {
      if (!sim) return;
      const who = several ? `simulated with ${resultLabels[i]!}` : 'simulated';
      bars.push({ series: `result-${i}`, value: sim.value, text: `${sim.text} (${sim.errorText})`, title: `${s.label}, ${who}: ${sim.text}, ${sim.errorText} against the measured ${s.measuredText}` });
    });
    const max = Math.max(...bars.map((b) => b.value));
    return { label: s.label, bars, max: max > 0 ? max : 1 };
  });
}

/** tableColumns(resultLabels) -> the header of the numbers table: run, statistic, measured, then simulated and error per result. */
export function tableColumns(resultLabels: readonly string[]): string[] {
  if (resultLabels.length === 1) return ['Run', 'Statistic', 'Measured', 'Simulated', 'Error'];
  return ['Run', 'Statistic', 'Measured', ...resultLabels.flatMap((l) => [`Simulated: ${l}`, `Error: ${l}`])];
}

/** tableRows(runs, results) -> one row of text cells per (run, statistic), in tableColumns order; a run with nothing compared says so. */
export function tableRows(runs: readonly MatchedRun[], results: number): { run: string; cells: string[] }[] {
  const rows: { run: string; cells: string[] }[] = [];
  for (const run of runs) {
    if (run.statistics.length === 0) {
      rows.push({ run: run.key, cells: [run.label, 'nothing compared', MISSING, ...Array.from({ length: results }, () => [MISSING, MISSING]).flat()] });
      continue;
    }
    for (const s of run.statistics) {
      const perResult = Array.from({ length: results }, (_, i) => s.simulated[i]);
      rows.push({ run: run.key, cells: [run.label, s.label, s.measuredText, ...perResult.flatMap((sim) => (sim ? [sim.text, sim.errorText] : [MISSING, MISSING]))] });
    }
  }
  return rows;
}

/**
 * headerRows(results, files) -> the header's label/value pairs: the telemetry measured, the
 * deployment simulated, and what each result simulated it with (named by its file when several).
 */
export function headerRows(results: readonly CalibrationComparison[], files: readonly string[]): [string, string][] {
  const telemetry: string[] = [];
  for (const r of results) {
    for (const run of r.runs) {
      const text = `${run.file} (${run.format})`;
      if (!telemetry.includes(text)) telemetry.push(text);
    }
  }
  const deployments = [...new Set(results.flatMap((r) => (r.deployment ? [deploymentText(r.deployment)] : [])))];
  const rows: [string, string][] = [[telemetry.length === 1 ? 'Telemetry' : `Telemetry (${telemetry.length} files)`, telemetry.join('; ')]];
  if (deployments.length > 0) rows.push([deployments.length === 1 ? 'Deployment simulated' : 'Deployments simulated', deployments.join('; ')]);
  const how = results.map((r, i) => (results.length === 1 ? simulatedWith(r.profile) : `${files[i]!}: ${simulatedWith(r.profile)}`));
  rows.push(['Simulated with', how.join('; ')]);
  return rows;
}

/**
 * calibrationNotes(runs, results, resultLabels) -> what a reader must know before comparing the
 * results: runs one of them lacks, measured values that disagree, different deployments.
 */
export function calibrationNotes(runs: readonly MatchedRun[], results: readonly CalibrationComparison[], resultLabels: readonly string[]): string[] {
  const notes: string[] = [];
  if (results.length > 1) {
    const missing = runs.filter((r) => r.presentIn.some((p) => !p));
    if (missing.length > 0) {
      const first = missing[0]!;
      const lacking = resultLabels.filter((_, i) => !first.presentIn[i]);
      notes.push(
        `${plural(missing.length, 'measured run')} ${missing.length === 1 ? 'is' : 'are'} not in every result (${first.label} is not in ${lacking.join(', ')}): each mean |error| is over the runs its result has.`,
      );
    }
    const differing = runs.filter((r) => r.statistics.some((s) => s.measuredDiffers));
    if (differing.length > 0) {
      notes.push(`${plural(differing.length, 'run')} (${differing[0]!.label}${differing.length > 1 ? ', ...' : ''}) measured other values in another result: not the same telemetry under one file name. Each error is against its own result's measurement; the bars show the first.`);
    }
    const deployments = new Set(results.map((r) => (r.deployment ? deploymentText(r.deployment) : '')));
    if (deployments.size > 1) notes.push('The results simulated different deployments (see above): their errors differ for that reason too, not only their constants.');
  }
  const empty = runs.filter((r) => r.statistics.length === 0);
  if (empty.length > 0) notes.push(`${plural(empty.length, 'measured run')} had no statistic to compare (${empty[0]!.label}): the file lacks the means or they are zero.`);
  return notes;
}
