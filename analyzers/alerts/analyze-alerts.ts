import type { SaturationResult } from '../saturation/saturation-result.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { loadWorkloadData } from '../../engine/workload/workload-data.js';
import type { AlertingRule, RuleFile } from './alert-rules.js';
import type { Expr } from './promql-ast.js';
import { ALERTS_RESULT_VERSION, type AlertReport, type AlertRun, type AlertsResult, type AlertVerdict } from './alerts-result.js';
import { LOOKBACK_DELTA_MS } from './evaluate-promql.js';
import { evaluateRules, thresholdOf, type RuleRunOutcome } from './evaluate-rules.js';
import { labelsToJson } from './labels.js';
import { formatPromDuration } from './prom-duration.js';
import { saturationRuns, simulateRun, simulationRun, type PointRun, type WorkloadLoader } from './point-runs.js';

export interface AlertsOptions {
  /** Evaluation interval of groups that set none, seconds (default: each run's series interval). */
  evalIntervalSeconds?: number;
  /** Evaluate over the whole run, drain included (default: up to the last arrival). */
  includeDrain?: boolean;
  /** Reads a scenario's trace and length files (default: from disk, as loadScenario does). */
  loadWorkload?: WorkloadLoader;
  /** Called after each simulated rate. */
  onProgress?: (done: number, total: number) => void;
  /** The result file, to name it in errors. */
  file?: string;
}

/**
 * analyzeAlerts(rules, result) -> at which offered rate each alert first fires, against the rate
 * where the SLO breaks. Each rate of a saturation result (or the one run of a simulation result) is
 * simulated again, replication 0 exactly as the analysis ran it, with its metrics in vLLM's names;
 * the rules are evaluated over each run as Prometheus's rule manager would (evaluate-rules.ts), and
 * each alert gets a verdict: warns early (first fires below the break), fires late (at or above
 * it), never fires. Deterministic: the same rules and result give the same answer, byte for byte.
 */
export function analyzeAlerts(rules: RuleFile, source: SaturationResult | SimulationResult, options: AlertsOptions = {}): AlertsResult {
  const file = options.file ?? source.scenario.name;
  const load = cached(options.loadWorkload ?? loadWorkloadData);
  const runs: PointRun[] = source.kind === 'saturation' ? saturationRuns(source, load, file) : [simulationRun(source, load)];
  const alertRules = rules.groups.flatMap((g) => g.rules.filter((r): r is AlertingRule => r.kind === 'alert'));
  const outcomes: RuleRunOutcome[][] = [];
  const runInfo: AlertRun[] = [];
  runs.forEach((run, i) => {
    const simulated = simulateRun(run);
    const { run: r } = simulated.result;
    const until = options.includeDrain ? r.simulatedSeconds : r.lastArrivalSeconds;
    const evalInterval = options.evalIntervalSeconds ?? simulated.intervalSeconds;
    outcomes.push(evaluateRules(rules, simulated.store, { defaultIntervalMs: Math.round(evalInterval * 1000), endMs: Math.floor(until * 1000) }));
    runInfo.push({
      rate: run.rate,
      sloMet: run.sloMet,
      simulatedSeconds: r.simulatedSeconds,
      lastArrivalSeconds: r.lastArrivalSeconds,
      evaluatedUntilSeconds: until,
      seriesIntervalSeconds: simulated.intervalSeconds,
      evalIntervalSeconds: evalInterval,
    });
    options.onProgress?.(i + 1, runs.length);
  });

  const { sloBreak, sloBreakReason } = sloBreakOf(source);
  const currentRate = source.kind === 'saturation' ? source.currentRate : runs[0]!.rate;
  const alerts = alertRules.map((rule, k) =>
    report(rule, runInfo, outcomes.map((o) => o[k]!), { breakRate: sloBreak?.rate ?? null, currentRate, kind: source.kind, warmUpSeconds: warmUpMs(rule, rules) / 1000 }),
  );
  const notes = [
    source.kind === 'saturation'
      ? `each of the ${runs.length} rates re-simulated once: replication 0 (the scenario's own seed), as the analysis ran it` +
        (source.method.replications > 1 ? `; the analysis's SLO verdicts average ${source.method.replications} replications` : '')
      : 'the simulation re-run with its scenario and seed',
    options.includeDrain
      ? 'rules evaluated over the whole run, the drain after the last arrival included'
      : 'rules evaluated while load was offered (up to the last arrival): the drain of a finite run is not what a serving deployment sees',
  ];
  return {
    kind: 'alerts',
    version: ALERTS_RESULT_VERSION,
    source: { kind: source.kind, scenario: source.scenario.name, seed: source.scenario.seed, replication: 0 },
    currentRate,
    sloBreak,
    sloBreakReason,
    evaluation: { intervalSeconds: options.evalIntervalSeconds ?? null, lookbackSeconds: LOOKBACK_DELTA_MS / 1000, window: options.includeDrain ? 'run' : 'load' },
    runs: runInfo,
    records: rules.groups.flatMap((g) => g.rules.filter((r) => r.kind === 'record').map((r) => r.name)),
    alerts,
    notes,
  };
}

function cached(load: WorkloadLoader): WorkloadLoader {
  const cache = new Map<string, ReturnType<WorkloadLoader>>();
  return (scenario) => {
    const key = JSON.stringify(scenario.workload);
    let data = cache.get(key);
    if (data === undefined) cache.set(key, (data = load(scenario)));
    return data;
  };
}

function sloBreakOf(source: SaturationResult | SimulationResult): Pick<AlertsResult, 'sloBreak' | 'sloBreakReason'> {
  if (source.kind === 'simulation') {
    const met = source.slo.met;
    return {
      sloBreak: null,
      sloBreakReason: `a simulation is one run at one rate, with no SLO break to compare with (${met === null ? 'no SLO' : met ? 'the run met its SLO' : 'the run missed its SLO'})`,
    };
  }
  if (source.saturationRate !== null) return { sloBreak: { rate: source.saturationRate.mean, from: 'saturationRate' }, sloBreakReason: null };
  const missed = source.points.find((p) => p.meetsSlo === false);
  if (missed !== undefined) return { sloBreak: { rate: missed.rate, from: 'first-missed-rate' }, sloBreakReason: null };
  return { sloBreak: null, sloBreakReason: source.saturationReason ?? 'no rate swept missed the SLO' };
}

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
const rateText = (r: number) => `${r.toPrecision(4)} req/s`;

interface ReportContext {
  breakRate: number | null;
  currentRate: number | null;
  kind: 'saturation' | 'simulation';
  warmUpSeconds: number;
}

/**
 * How long a run must have lasted before an alert's expression reads full ranges: its longest range
 * plus the longest of the recording rules it reads (by name, transitively). Until then rate() and
 * *_over_time read a run younger than their range.
 */
function warmUpMs(rule: AlertingRule, rules: RuleFile, seen: ReadonlySet<string> = new Set()): number {
  const records = rules.groups.flatMap((g) => g.rules).filter((r) => r.kind === 'record');
  const own = (expr: Expr, visited: ReadonlySet<string>): number => {
    let fed = 0;
    for (const name of selectedNames(expr)) {
      if (visited.has(name)) continue;
      for (const r of records) if (r.name === name) fed = Math.max(fed, own(r.parsed, new Set([...visited, name])));
    }
    return longestRangeMs(expr) + fed;
  };
  return own(rule.parsed, seen);
}

/** Metric names an expression selects by name (__name__="..."). */
function selectedNames(expr: Expr): string[] {
  switch (expr.kind) {
    case 'vector-selector':
      return expr.matchers.filter((m) => m.name === '__name__' && m.op === '=').map((m) => m.value);
    case 'matrix-selector':
      return selectedNames(expr.selector);
    case 'call':
      return expr.args.flatMap(selectedNames);
    case 'aggregate':
    case 'negate':
      return selectedNames(expr.arg);
    case 'binary':
      return [...selectedNames(expr.lhs), ...selectedNames(expr.rhs)];
    default:
      return [];
  }
}

/** The longest range (plus offset) an expression reads back, ms. */
function longestRangeMs(expr: Expr): number {
  switch (expr.kind) {
    case 'matrix-selector':
      return expr.rangeMs + Math.max(0, expr.selector.offsetMs);
    case 'vector-selector':
      return Math.max(0, expr.offsetMs);
    case 'call':
      return Math.max(0, ...expr.args.map(longestRangeMs));
    case 'aggregate':
    case 'negate':
      return longestRangeMs(expr.arg);
    case 'binary':
      return Math.max(longestRangeMs(expr.lhs), longestRangeMs(expr.rhs));
    default:
      return 0;
  }
}

function report(rule: AlertingRule, runs: readonly AlertRun[], outcomes: readonly RuleRunOutcome[], ctx: ReportContext): AlertReport {
  const { breakRate, kind } = ctx;
  const perRate = outcomes.map((o, i) => ({
    rate: runs[i]!.rate,
    firesAt: o.firesAt,
    pendingAt: o.pendingAt,
    firingSeconds: o.firingSeconds,
    maxValue: finite(o.subjectMax),
    minValue: finite(o.subjectMin),
  }));
  // Runs are in ascending rate order (a saturation's points are); the first that fired is the lowest rate.
  const first = outcomes.findIndex((o) => o.firesAt !== null);
  const firing = first >= 0 ? outcomes[first]! : null;
  const firstFiringRate = first >= 0 ? runs[first]!.rate : null;
  let verdict: AlertVerdict;
  if (firing === null) verdict = 'never-fires';
  else if (breakRate === null || firstFiringRate === null) verdict = 'fires';
  else verdict = firstFiringRate < breakRate ? 'warns-early' : 'fires-late';
  const margin =
    firstFiringRate !== null && breakRate !== null
      ? { requestsPerSecond: breakRate - firstFiringRate, percent: (100 * (breakRate - firstFiringRate)) / breakRate }
      : null;
  return {
    name: rule.name,
    group: rule.group,
    expr: rule.expr.trim(),
    for: rule.forMs / 1000,
    keepFiringFor: rule.keepFiringForMs / 1000,
    labels: Object.fromEntries(rule.labels),
    threshold: thresholdOf(rule.parsed),
    firstFiringRate,
    firesAt: firing?.firesAt ?? null,
    verdict,
    margin,
    firedLabels: firing?.firedLabels ? labelsToJson(firing.firedLabels) : null,
    perRate,
    notes: kind === 'saturation' ? notesFor(rule, runs, outcomes, first, ctx) : notesForRun(rule, runs[0]!, outcomes[0]!),
  };
}

function notesFor(rule: AlertingRule, runs: readonly AlertRun[], outcomes: readonly RuleRunOutcome[], first: number, ctx: ReportContext): string[] {
  const { currentRate, warmUpSeconds } = ctx;
  const notes: string[] = [];
  if (first >= 0) {
    const rate = runs[first]!.rate!;
    if (first === 0 && runs.length > 1) notes.push(`fires already at the lowest rate swept (${rateText(rate)}): is it a warning, or always on?`);
    else if (currentRate !== null && rate <= currentRate * (1 + 1e-9)) notes.push(`fires at today's rate (${rateText(currentRate)})`);
    const quietAbove = outcomes.slice(first + 1).map((o, i) => ({ o, run: runs[first + 1 + i]! })).filter(({ o }) => o.firesAt === null);
    if (quietAbove.length > 0) {
      notes.push(
        `does not fire at ${quietAbove.length} of the ${runs.length - first - 1} higher rates (first at ${rateText(quietAbove[0]!.run.rate!)}): ` +
          'it flaps with the load, or the run there is too short for it',
      );
    }
  }
  const short = runs.filter((r, i) => outcomes[i]!.firesAt === null && r.evaluatedUntilSeconds < rule.forMs / 1000);
  if (short.length > 0) {
    notes.push(
      `at ${short.length} rate(s) the evaluated run (${short[0]!.evaluatedUntilSeconds.toFixed(0)} s at ${rateText(short[0]!.rate!)}) is shorter than ` +
        `for: ${formatPromDuration(rule.forMs)}, so it could not fire there: lengthen stop.requests`,
    );
  }
  const pendingOnly = runs.filter((_, i) => outcomes[i]!.firesAt === null && outcomes[i]!.pendingAt !== null);
  if (pendingOnly.length > 0 && rule.forMs > 0) {
    // Pending only while the ranges still reach back before the run began (as after a restart).
    const early = warmUpSeconds > 0 ? pendingOnly.filter((r) => outcomes[runs.indexOf(r)]!.lastPendingAt! <= warmUpSeconds).length : 0;
    notes.push(
      `pending but not held for ${formatPromDuration(rule.forMs)} at ${pendingOnly.length} rate(s) (first at ${rateText(pendingOnly[0]!.rate!)})` +
        (early > 0 ? `; at ${early} of them only in the first ${formatPromDuration(warmUpSeconds * 1000)} of the run, while its ranges reach back before the run began` : ''),
    );
  }
  return notes;
}

function notesForRun(rule: AlertingRule, run: AlertRun, outcome: RuleRunOutcome): string[] {
  const notes: string[] = [];
  if (outcome.firesAt === null && run.evaluatedUntilSeconds < rule.forMs / 1000) {
    notes.push(`the evaluated run (${run.evaluatedUntilSeconds.toFixed(0)} s) is shorter than for: ${formatPromDuration(rule.forMs)}, so it could not fire: lengthen stop.requests`);
  } else if (outcome.firesAt === null && outcome.pendingAt !== null && rule.forMs > 0) {
    notes.push(`pending at ${outcome.pendingAt.toFixed(0)} s but not held for ${formatPromDuration(rule.forMs)}`);
  }
  return notes;
}
