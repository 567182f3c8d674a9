import Table from 'cli-table3';
import secureJsonParse from 'secure-json-parse';
import { analyzeAlerts } from '../../../analyzers/alerts/analyze-alerts.js';
import type { AlertReport, AlertsResult, AlertVerdict } from '../../../analyzers/alerts/alerts-result.js';
import { TooManyEvaluations, RuleEvaluationError } from '../../../analyzers/alerts/evaluate-rules.js';
import { UnrunnableScenarioError } from '../../../analyzers/alerts/point-runs.js';
import { formatPromDuration, parsePromDuration } from '../../../analyzers/alerts/prom-duration.js';
import { readRulesFile, RulesFileError } from '../../../analyzers/alerts/read-rules-file.js';
import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import { BoundedFileError, readBoundedText } from '../../../engine/input/bounded-file.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { formatIssues } from '../../../engine/scenario/format-issues.js';
import { ScenarioError } from '../../../engine/scenario/scenario-issue.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { TraceFileError } from '../../../engine/workload/trace-file.js';
import { formatRate, formatSeconds } from '../../writers/format-units.js';
import { validateReportInput } from '../../writers/html.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';
import { createProgress, exitOnInterrupt } from '../progress.js';

export interface AlertsCommandOptions {
  evalInterval?: string;
  includeDrain?: boolean;
  failOnLate?: boolean;
  json?: boolean;
  output?: string;
}

/** Result files bigger than this are not results (the engine's are tens of kilobytes). */
const MAX_RESULT_BYTES = 64 * 2 ** 20;

/**
 * `headroom alerts <rules.yaml> <result.json>`: at which offered rate each Prometheus alert first
 * fires against the SLO break. Reads and checks both files, re-simulates the result's rates with
 * vLLM-named metrics, evaluates the rules (analyzers/alerts), prints or writes the answer. Exit 0;
 * with --fail-on-late, 1 when an alert first fires only at or above the SLO break.
 */
export function alertsCommand(rulesFile: string, resultFile: string, options: AlertsCommandOptions): void {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [rulesFile, resultFile]);
  const evalIntervalSeconds = options.evalInterval === undefined ? undefined : parseEvalInterval(options.evalInterval);
  let rules;
  try {
    rules = readRulesFile(rulesFile);
  } catch (error) {
    if (error instanceof RulesFileError) throw new ExitError(EXIT.INVALID_INPUT, `invalid rule file\n${formatIssues(error.issues)}`);
    throw error;
  }
  const source = readResult(resultFile);
  const runs = source.kind === 'saturation' ? source.points.length : 1;
  const progress = createProgress('alerts', runs);
  exitOnInterrupt(() => progress.stop());
  let result: AlertsResult;
  try {
    result = analyzeAlerts(rules, source, {
      ...(evalIntervalSeconds !== undefined ? { evalIntervalSeconds } : {}),
      includeDrain: options.includeDrain === true,
      onProgress: (done) => progress.update(done),
      file: resultFile,
    });
  } catch (error) {
    if (error instanceof RuleEvaluationError || error instanceof TooManyEvaluations) throw new ExitError(EXIT.INVALID_INPUT, `${rulesFile}: ${error.message}`);
    if (error instanceof UnrunnableScenarioError) throw new ExitError(EXIT.INVALID_INPUT, `${resultFile}: ${error.message}`);
    if (error instanceof TraceFileError || error instanceof ScenarioError) {
      throw new ExitError(
        EXIT.INVALID_INPUT,
        `${resultFile}: the scenario's workload files cannot be read again, and the rates cannot be re-simulated without them:\n${error.message}`,
      );
    }
    throw error;
  } finally {
    progress.stop();
  }
  emit(result, () => formatAlerts(result, rulesFile), options);
  if (options.failOnLate && result.alerts.some((a) => a.verdict === 'fires-late')) process.exitCode = EXIT.CHECK_FAILED;
}

function parseEvalInterval(text: string): number {
  const ms = parsePromDuration(text.trim());
  if (ms === null || ms <= 0) throw new ExitError(EXIT.INVALID_INPUT, `--eval-interval ${safeLine(text)}: expected a positive duration like 15s, 1m or 1m30s`);
  return ms / 1000;
}

/** A saturation or simulation result, read bounded, parsed without prototype poisoning and checked as `report` checks it. */
function readResult(file: string): SaturationResult | SimulationResult {
  let text: string;
  try {
    text = readBoundedText(file, { what: 'a result file', maxBytes: MAX_RESULT_BYTES });
  } catch (error) {
    if (error instanceof BoundedFileError) throw new ExitError(EXIT.INVALID_INPUT, `${file}: ${error.message}`);
    throw error;
  }
  let value: unknown;
  try {
    value = secureJsonParse.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new ExitError(EXIT.INVALID_INPUT, `${file}: not valid JSON (${(error as Error).message})`);
  }
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind !== 'saturation' && kind !== 'simulation') {
    const shown = typeof kind === 'string' ? JSON.stringify(safeLine(kind.slice(0, 60))) : 'no kind';
    throw new ExitError(EXIT.INVALID_INPUT, `${file}: kind: expected a "saturation" or "simulation" result (headroom saturation -o / simulate -o), got ${shown}`);
  }
  const checked = validateReportInput(value, file);
  if ('issues' in checked) throw new ExitError(EXIT.INVALID_INPUT, `${file}: not a result this command can read\n${checked.issues.join('\n')}`);
  return value as SaturationResult | SimulationResult;
}

const VERDICT_WORDS: Record<AlertVerdict, string> = {
  'warns-early': 'warns early',
  'fires-late': 'FIRES LATE',
  'never-fires': 'never fires',
  fires: 'fires',
};

const rate = (r: number | null) => (r === null ? '-' : formatRate(r, 'req/s'));
const value3 = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toPrecision(3));

/** The extreme of an alert's subject that approached its threshold at one rate (its max, or min for a < threshold), or ''. */
function approach(alert: AlertReport, i: number): string {
  const at = alert.perRate[i]!;
  const below = alert.threshold !== null && (alert.threshold.op === '<' || alert.threshold.op === '<=');
  const v = below ? at.minValue : at.maxValue;
  return v === null ? '' : value3(v);
}

/** Seconds as a table cell: "45s", "6.1m", "1.5h". */
function shortTime(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)}s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/** The answer as tables: one row per alert, then one row per rate with each alert's state there. */
export function formatAlerts(result: AlertsResult, rulesFile: string): string {
  const lines: string[] = [];
  const sat = result.source.kind === 'saturation';
  lines.push(
    `Headroom alerts: ${result.alerts.length} alerting rule${result.alerts.length === 1 ? '' : 's'} from ${safeLine(rulesFile)} ` +
      `against the ${result.source.kind} of ${safeLine(result.source.scenario)} (seed ${result.source.seed})`,
  );
  const interval = result.evaluation.intervalSeconds;
  lines.push(
    `  ${result.runs.length} run${result.runs.length === 1 ? '' : 's'} re-simulated (replication 0); rules evaluated every ` +
      `${interval === null ? "series interval (each run's own)" : formatSeconds(interval)} ` +
      `${result.evaluation.window === 'load' ? 'while load was offered' : 'over the whole run, drain included'}, lookback ${formatSeconds(result.evaluation.lookbackSeconds)}`,
  );
  if (result.records.length > 0) lines.push(`  recording rules: ${result.records.join(', ')}`);
  const today = result.currentRate === null ? '' : `; today ${rate(result.currentRate)}`;
  lines.push(result.sloBreak === null ? `  no SLO break to compare with: ${result.sloBreakReason}${today}` : `  SLO breaks at ${rate(result.sloBreak.rate)} (${result.sloBreak.from === 'saturationRate' ? 'the saturation rate' : 'the first rate that missed it'})${today}`);

  const summary = new Table({
    head: ['#', 'alert', 'for', sat ? 'first fires at' : 'fires', 'SLO break', 'verdict', 'margin', 'fired after'],
    colAligns: ['right', 'left', 'right', 'right', 'right', 'left', 'right', 'right'],
    style: { head: [], border: [] },
  });
  result.alerts.forEach((a, i) => {
    summary.push([
      String(i + 1),
      a.name,
      formatPromDuration(a.for * 1000),
      sat ? rate(a.firstFiringRate) : a.firesAt === null ? 'no' : 'yes',
      rate(result.sloBreak?.rate ?? null),
      VERDICT_WORDS[a.verdict],
      a.margin === null ? '-' : `${a.margin.requestsPerSecond >= 0 ? '' : '-'}${formatRate(Math.abs(a.margin.requestsPerSecond), 'req/s')} (${a.margin.percent.toFixed(1)}%)`,
      formatSeconds(a.firesAt),
    ]);
  });
  lines.push(summary.toString());

  if (result.alerts.length > 0) {
    const perRate = new Table({
      head: ['rate', 'SLO', ...result.alerts.map((_, i) => `#${i + 1}`), ''],
      colAligns: ['right', 'left', ...result.alerts.map(() => 'right' as const), 'left'],
      style: { head: [], border: [] },
    });
    let breakMarked = false;
    result.runs.forEach((run, i) => {
      const marks: string[] = [];
      if (result.currentRate !== null && run.rate !== null && Math.abs(run.rate - result.currentRate) < 1e-9 * run.rate) marks.push('<- today');
      if (!breakMarked && result.sloBreak !== null && run.rate !== null && run.rate >= result.sloBreak.rate) {
        marks.push('<- SLO broken');
        breakMarked = true;
      }
      perRate.push([
        run.rate === null ? '-' : run.rate.toPrecision(4),
        run.sloMet === null ? '-' : run.sloMet ? 'met' : 'MISSED',
        ...result.alerts.map((a) => {
          const at = a.perRate[i]!;
          if (at.firesAt !== null) return `fired ${shortTime(at.firesAt)}`;
          const near = approach(a, i);
          return at.pendingAt !== null ? `p ${near}`.trim() : near || '-';
        }),
        marks.join(' '),
      ]);
    });
    lines.push('  per rate: when each alert fired (time into the run); else the peak (the low, for a < threshold) of what it compares; p: it was pending');
    lines.push(perRate.toString());
  }
  for (const [i, a] of result.alerts.entries()) for (const note of a.notes) lines.push(`  #${i + 1} ${a.name}: ${note}`);
  for (const note of result.notes) lines.push(`  ${note}`);
  return `${lines.join('\n')}\n`;
}
