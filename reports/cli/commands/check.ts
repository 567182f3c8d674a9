import Table from 'cli-table3';
import { CheckInputError, parseFailOn, runChecks, type CheckReport, type ScenarioCheck } from '../../../analyzers/check/run-checks.js';
import { formatMeasured } from '../../../engine/scenario/threshold-expression.js';
import { writeJunit } from '../../writers/junit.js';
import { writeMarkdownSummary } from '../../writers/markdown.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import type { RunContext, ShardableCommand } from './sharding.js';

export interface CheckCommandOptions {
  failOn: string[];
  junit?: string;
  summary?: string;
  set: string[];
  seed?: number;
  workers?: number;
  replications?: number;
  json?: boolean;
  output?: string;
  /** Run as shard i/N of the checks' analyses (writes a partial result to -o). */
  shard?: string;
}

/** A malformed expression's message, with the expression and a caret under the column it failed at. */
function pointAt(error: CheckInputError): string {
  if (error.expression === null || error.column === null || /[\r\n]/.test(error.expression)) return error.message;
  return `${error.message}\n  ${error.expression}\n  ${' '.repeat(Math.max(0, error.column - 1))}^`;
}

/** One scenario's thresholds as a terminal table: PASS/FAIL, measured value, and why when not measured. */
function formatScenario(check: ScenarioCheck): string {
  const table = new Table({
    head: ['threshold', 'measured', 'result', 'from'],
    colAligns: ['left', 'right', 'left', 'left'],
    style: { head: [], border: [] },
  });
  for (const o of check.outcomes) {
    table.push([
      o.threshold.text,
      formatMeasured(o.threshold, o.measured),
      o.passed ? 'PASS' : o.measured === null ? 'FAIL (not measured)' : 'FAIL',
      o.source === 'scenario' ? 'scenario checks' : '--fail-on',
    ]);
  }
  const sat = check.saturation;
  const extra = sat === null ? '' : `, saturation analysis of ${sat.method.simulations} simulations`;
  return `${check.passed ? 'PASS' : 'FAIL'} ${check.name} (${safeLine(check.file)}, seed ${check.seed}${extra})\n${table.toString()}\n`;
}

export function formatCheckReport(report: CheckReport): string {
  const parts = report.scenarios.map(formatScenario);
  if (report.passed) {
    parts.push(`all ${report.thresholds} ${report.thresholds === 1 ? 'threshold holds' : 'thresholds hold'}\n`);
  } else {
    const lines = [`${report.failed} of ${report.thresholds} ${report.thresholds === 1 ? 'threshold' : 'thresholds'} failed:`];
    for (const s of report.scenarios) {
      for (const o of s.outcomes.filter((x) => !x.passed)) {
        const why = o.measured === null ? `not measured: ${o.reason ?? 'no value'}` : `measured ${formatMeasured(o.threshold, o.measured)}`;
        lines.push(`  ${s.name}: ${o.threshold.text}: ${why}`);
      }
    }
    parts.push(`${lines.join('\n')}\n`);
  }
  return parts.join('\n');
}

/**
 * `headroom check <scenario...>`: runs each scenario (and a saturation analysis when a threshold
 * needs one), evaluates its `checks:` and every `--fail-on`, prints a table per scenario, writes
 * the JUnit and Markdown reports, and ends with exit 1 when any threshold fails.
 */
export async function checkCommand(files: string[], options: CheckCommandOptions): Promise<void> {
  checkOutputPath(options.junit, '--junit');
  checkOutputPath(options.summary, '--summary');
  checkOutputPath(options.output);
  checkDistinctPaths(
    [
      { flag: '--junit', path: options.junit },
      { flag: '--summary', path: options.summary },
      { flag: '-o', path: options.output },
    ],
    files,
  );
  if (options.shard !== undefined) {
    if (options.junit !== undefined || options.summary !== undefined) {
      throw new ExitError(EXIT.INVALID_INPUT, '--shard with --junit or --summary: a shard has no verdict yet; the merge has (headroom merge ... -o report.json)');
    }
    const { runAsShard } = await import('./shard-run.js');
    await runAsShard('check', files, { ...options, shard: options.shard });
    return;
  }
  const report = await computeCheckReport(files, options);
  for (const [flag, path, write] of [
    ['--junit', options.junit, writeJunit],
    ['--summary', options.summary, writeMarkdownSummary],
  ] as const) {
    if (path === undefined) continue;
    try {
      write(report, path);
    } catch (error) {
      throw new ExitError(EXIT.INVALID_INPUT, `${flag} ${path}: cannot write (${(error as Error).message})`);
    }
  }
  // --json / -o: the whole report, each scenario's results inside (`headroom report` draws them).
  emit(report, () => {
    const written = [options.junit, options.summary].filter((p): p is string => p !== undefined).map((p) => `wrote ${p}\n`);
    return formatCheckReport(report) + written.join('');
  }, { ...(options.json ? { json: true } : {}), ...(options.output !== undefined ? { output: options.output } : {}) });
  if (!report.passed) process.exitCode = EXIT.CHECK_FAILED;
}

/** Every scenario checked, its analyses on the context's runner when one is given. */
async function computeCheckReport(files: string[], options: CheckCommandOptions, context: RunContext = {}): Promise<CheckReport> {
  try {
    parseFailOn(options.failOn);
    return await runChecks(files, {
      failOn: options.failOn,
      sets: options.set,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.replications !== undefined ? { replications: options.replications } : {}),
      ...(context.runner !== undefined ? { runner: context.runner } : {}),
      // One line per stage, on a terminal and in a CI log alike: a long check shows it is alive.
      onProgress: (event) => {
        if (event.stage === 'simulate') process.stderr.write(`checking ${safeLine(event.file)}\n`);
        else if (event.simulations === 0) process.stderr.write(`  saturation analysis for ${safeLine(event.file)}\n`);
      },
    });
  } catch (error) {
    if (error instanceof CheckInputError) throw new ExitError(EXIT.INVALID_INPUT, pointAt(error));
    throw error;
  }
}

/** How `check --shard` and `merge` drive it: the analyses' first batch of simulations is split. */
export const CHECK_SHARDING: ShardableCommand = {
  scenarios: (files, options) => {
    const o = options as unknown as CheckCommandOptions;
    return files.map((file) => loadScenario(file, { sets: o.set, ...(o.seed !== undefined ? { seed: o.seed } : {}) }).scenario);
  },
  mode: () => 'split',
  compute: async (files, options, context) => {
    const report = await computeCheckReport(files, options as unknown as CheckCommandOptions, context);
    return { result: report, human: () => formatCheckReport(report), ...(report.passed ? {} : { exitCode: EXIT.CHECK_FAILED }) };
  },
};
