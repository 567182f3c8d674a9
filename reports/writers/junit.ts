import junitModule, { type Builder } from 'junit-report-builder';
import type { CheckOutcome, CheckReport } from '../../analyzers/check/run-checks.js';
import { formatMeasured } from '../../engine/scenario/threshold-expression.js';
import { writeFileAtomically } from '../write-file-atomically.js';

// The package's types declare an ES default export, but its CommonJS module.exports is the
// builder itself, which is what Node's ESM default import gives.
const junit = junitModule as unknown as Builder;

/** Characters XML 1.0 cannot hold at all (control characters, lone surrogates): dropped from labels. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xmlSafe = (text: string) => text.replace(NOT_XML, '');

/** "ttft.p99 < 1ms: measured 45.2ms" or "slo.attainment >= 99%: not measured: <reason>". */
export function describeFailure(outcome: CheckOutcome): string {
  const { threshold, measured } = outcome;
  if (measured === null) return `${threshold.text}: not measured: ${outcome.reason ?? 'no value'}`;
  return `${threshold.text}: measured ${formatMeasured(threshold, measured)}`;
}

/**
 * formatJunit(report) -> JUnit XML: one <testsuite> per scenario, one <testcase> per threshold
 * (named by the threshold as written), a <failure> with the measured value for each that fails.
 * No timestamps, so the same run gives the same file.
 */
export function formatJunit(report: CheckReport): string {
  const builder = junit.newBuilder().name('headroom check');
  for (const scenario of report.scenarios) {
    const suite = builder
      .testSuite()
      .name(xmlSafe(scenario.name))
      .property('file', xmlSafe(scenario.file))
      .property('seed', String(scenario.seed));
    // What the gated run costs, when the scenario prices its GPUs: CI dashboards read properties.
    const cost = scenario.simulation.cost;
    if (cost !== null) {
      suite.property('usdPerHour', String(cost.usdPerHour));
      for (const key of ['usdPerMillionOutputTokens', 'usdPerMillionTotalTokens', 'usdPerThousandRequests'] as const) {
        if (cost[key] !== null) suite.property(key, String(Number(cost[key].toPrecision(4))));
      }
    }
    for (const outcome of scenario.outcomes) {
      const testCase = suite
        .testCase()
        .className(xmlSafe(`headroom.check.${scenario.name}`))
        .name(xmlSafe(outcome.threshold.text))
        .file(xmlSafe(scenario.file))
        .property('source', outcome.source)
        .property('measured', outcome.measured === null ? 'n/a' : formatMeasured(outcome.threshold, outcome.measured));
      if (!outcome.passed) testCase.failure(xmlSafe(describeFailure(outcome)), 'threshold');
    }
  }
  return `${builder.build()}\n`;
}

/** writeJunit(report, path): the JUnit XML, written atomically. */
export function writeJunit(report: CheckReport, path: string): void {
  writeFileAtomically(path, formatJunit(report));
}
