import { describeEngines, gpusInUse } from '../../engine/scenario/deployment.js';
import type { CheckOutcome, CheckReport, ScenarioCheck } from '../../analyzers/check/run-checks.js';
import { formatMeasured } from '../../engine/scenario/threshold-expression.js';
import { writeFileAtomically } from '../write-file-atomically.js';
import { formatCount, formatPercentDown, formatRate, formatSeconds } from './format-units.js';

/**
 * Text from a scenario (its name, a file path, a reason) made inert in Markdown: no table breaks,
 * no HTML (a `<script>` label stays text), no emphasis or links, one line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1');
}

/** A threshold as code; the grammar admits no backtick or pipe, so the text is safe inside one. */
const code = (text: string) => `\`${text.replace(/[`|]/g, '')}\``;

const rate = (r: number | null) => (r === null ? 'n/a' : formatRate(r, 'req/s'));

function resultCell(outcome: CheckOutcome): string {
  if (outcome.passed) return '✅ pass';
  return outcome.reason === undefined ? '❌ fail' : `❌ fail: ${escapeMarkdown(outcome.reason)}`;
}

/** The figures a reviewer wants next to the verdicts: load, latency, throughput, SLO, saturation. */
function headline(check: ScenarioCheck): string[] {
  const { simulation: r, saturation: sat } = check;
  const s = r.scenario;
  const gpus = gpusInUse(s);
  const lines = [
    `${formatCount(r.requests.arrived)} requests, ${escapeMarkdown(s.model.name)} on ${gpus} x ${escapeMarkdown(s.cluster.gpu.name)} ` +
      `(${describeEngines(s)}): ` +
      `TTFT p99 **${formatSeconds(r.latency.ttft.p99)}**, TPOT p99 **${formatSeconds(r.latency.tpot.p99)}**, ` +
      `E2E p99 ${formatSeconds(r.latency.e2e.p99)}; ${formatRate(r.throughput.requestsPerSecond, 'req/s')}, ` +
      `${formatRate(r.throughput.outputTokensPerSecond, 'output tok/s')}` +
      (r.slo.attainment === null
        ? '; no SLO stated.'
        : `; SLO attainment **${formatPercentDown(r.slo.attainment)}**, goodput ${rate(r.slo.goodputRequestsPerSecond)}.`),
  ];
  if (r.cost !== null) {
    const usd = (v: number | null) => (v === null ? '-' : `$${v.toFixed(3)}`);
    lines.push(
      `Cost at this load: $${r.cost.usdPerHour.toFixed(2)}/h for ${r.cost.gpus} GPUs: ${usd(r.cost.usdPerMillionOutputTokens)} per 1M output tokens, ` +
        `${usd(r.cost.usdPerMillionTotalTokens)} per 1M tokens, ${usd(r.cost.usdPerThousandRequests)} per 1k requests.`,
    );
  }
  if (sat !== null) {
    const sr = sat.saturationRate;
    lines.push(
      (sr === null
        ? `Saturation rate indeterminate (${escapeMarkdown(sat.saturationReason ?? 'unknown')})`
        : `Saturation at **${rate(sr.mean)}** (interval ${sr.low.toPrecision(3)}-${sr.high.toPrecision(3)})`) +
        (sat.headroom === null
          ? ''
          : `, headroom **${sat.headroom.percent.toFixed(1)}%** (${rate(sat.headroom.requestsPerSecond)}) at today's ${rate(sat.currentRate)}`) +
        (sat.pressureOnsetRate === null ? '' : `, pressure onset ${rate(sat.pressureOnsetRate)}`) +
        (sat.bottleneck === null ? '' : `, first bottleneck **${sat.bottleneck.name}** (${escapeMarkdown(sat.bottleneck.evidence)})`) +
        ` - ${sat.method.simulations} simulations.`,
    );
  }
  return lines;
}

/**
 * formatMarkdownSummary(report) -> a Markdown summary for `$GITHUB_STEP_SUMMARY`: an overall
 * verdict, then per scenario its headline figures and a threshold | measured | result table.
 */
export function formatMarkdownSummary(report: CheckReport): string {
  const out: string[] = [];
  out.push(
    report.passed
      ? `## ✅ Headroom check: all ${report.thresholds} ${report.thresholds === 1 ? 'threshold holds' : 'thresholds hold'}`
      : `## ❌ Headroom check: ${report.failed} of ${report.thresholds} ${report.thresholds === 1 ? 'threshold' : 'thresholds'} failed`,
  );
  for (const check of report.scenarios) {
    out.push('');
    out.push(`### ${check.passed ? '✅' : '❌'} ${escapeMarkdown(check.name)}`);
    out.push('');
    out.push(`\`${check.file.replace(/[`\r\n]/g, '')}\`, seed ${check.seed}. ${headline(check).join(' ')}`);
    out.push('');
    out.push('| threshold | measured | result |');
    out.push('| --- | ---: | --- |');
    for (const outcome of check.outcomes) {
      const source = outcome.source === 'command-line' ? ' (--fail-on)' : '';
      out.push(`| ${code(outcome.threshold.text)}${source} | ${formatMeasured(outcome.threshold, outcome.measured)} | ${resultCell(outcome)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** writeMarkdownSummary(report, path): the summary, written atomically. */
export function writeMarkdownSummary(report: CheckReport, path: string): void {
  writeFileAtomically(path, formatMarkdownSummary(report));
}
